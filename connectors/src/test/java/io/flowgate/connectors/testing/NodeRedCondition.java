package io.flowgate.connectors.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Implements {@link RequiresNodeRed}. */
public final class NodeRedCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return RealComponent.evaluate(context, "Node-RED", NodeRedCondition::problem);
  }

  private static Optional<String> problem() {
    String home = System.getProperty(NodeRedProcess.HOME_PROPERTY);
    if (home == null || home.isBlank()) {
      return Optional.of(
          "system property "
              + NodeRedProcess.HOME_PROPERTY
              + " is not set (run the tests through Maven)");
    }
    if (!Files.isRegularFile(Path.of(home, "red.js"))) {
      return Optional.of("no red.js in " + home);
    }
    try {
      Process node =
          new ProcessBuilder(NodeRedProcess.NODE, "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!node.waitFor(10, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        return Optional.of("`node --version` did not finish in 10 s");
      }
      return node.exitValue() == 0
          ? Optional.empty()
          : Optional.of("`node --version` exited with " + node.exitValue());
    } catch (IOException e) {
      return Optional.of("Node.js (`node`) is not on the PATH: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while looking for Node.js");
    }
  }
}
