package io.flowgate.connectors.testing;

import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared rule of the {@code @Requires...} conditions: a test that needs a real component runs
 * when it is there; when it is missing, CI fails loudly and a developer machine skips with a
 * message that says how to get it.
 */
public final class RealComponent {

  /** What a missing component's message says by default. */
  static final String INSTALLED_BY_FLOWGATE_TEST = "`./flowgate test` installs it.";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealComponent.class);

  private RealComponent() {}

  /** Thrown in CI when a component is missing; JUnit reports the test as failed with it. */
  public static final class MissingComponentException extends RuntimeException {
    MissingComponentException(String message) {
      super(message);
    }
  }

  /**
   * Decides once per test run (the check is cached in the root context) whether the component is
   * there.
   *
   * @param problem a check that answers empty when the component is usable, or what is wrong
   */
  public static ConditionEvaluationResult evaluate(
      ExtensionContext context, String component, Supplier<Optional<String>> problem) {
    return evaluate(context, component, INSTALLED_BY_FLOWGATE_TEST, problem);
  }

  /**
   * As {@link #evaluate(ExtensionContext, String, Supplier)}, for a component that {@code
   * ./flowgate test} cannot provide.
   *
   * @param remedy the message's last sentence: how to get the component
   */
  public static ConditionEvaluationResult evaluate(
      ExtensionContext context,
      String component,
      String remedy,
      Supplier<Optional<String>> problem) {
    Problem found =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(
                component, key -> new Problem(problem.get().orElse(null)), Problem.class);
    return decide(component, Optional.ofNullable(found.text()), remedy, runningInCi());
  }

  private record Problem(String text) {}

  static boolean runningInCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The rule itself, apart from the environment, so it can be tested. */
  static ConditionEvaluationResult decide(
      String component, Optional<String> problem, boolean inCi) {
    return decide(component, problem, INSTALLED_BY_FLOWGATE_TEST, inCi);
  }

  static ConditionEvaluationResult decide(
      String component, Optional<String> problem, String remedy, boolean inCi) {
    if (problem.isEmpty()) {
      return ConditionEvaluationResult.enabled(component + " is available");
    }
    String message = component + " is missing: " + problem.get() + ". " + remedy;
    if (inCi) {
      throw new MissingComponentException(message + " (CI=true: a missing component fails)");
    }
    return ConditionEvaluationResult.disabled(message);
  }
}
