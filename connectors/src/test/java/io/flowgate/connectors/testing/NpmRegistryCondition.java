package io.flowgate.connectors.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Implements {@link RequiresNpmRegistry}: asks the registry from this machine, as npm does. */
public final class NpmRegistryCondition implements ExecutionCondition {

  /** The module the check looks up; tests install it too. */
  public static final String PROBE_MODULE = "node-red-node-random";

  private static final String COMPONENT = "The npm registry";
  private static final long TIMEOUT_SECONDS = 60;
  private static final String REMEDY =
      "These tests install node modules with npm: run them where the npm registry (or the"
          + " mirror npm is configured with) is reachable from this machine.";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return RealComponent.evaluate(context, COMPONENT, REMEDY, NpmRegistryCondition::problem);
  }

  private static Optional<String> problem() {
    List<String> command = List.of("npm", "view", PROBE_MODULE, "version");
    String shown = "`" + String.join(" ", command) + "`";
    Path output = null;
    try {
      output = Files.createTempFile("flowgate-npm-view-", ".log");
      Process npm =
          new ProcessBuilder(command)
              .directory(output.getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      npm.getOutputStream().close();
      if (!npm.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        npm.descendants().forEach(ProcessHandle::destroyForcibly);
        npm.destroyForcibly();
        return Optional.of(shown + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8).strip();
      if (npm.exitValue() != 0 || text.isEmpty()) {
        return Optional.of(
            shown + " failed on this machine (exit " + npm.exitValue() + "): " + summary(text));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("npm is not on the PATH or does not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while asking the npm registry");
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  /** npm's error lines without its log-file hints, at most three. */
  private static String summary(String output) {
    List<String> lines =
        output
            .lines()
            .map(String::strip)
            .filter(line -> !line.isEmpty() && !line.contains("complete log of this run"))
            .limit(3)
            .toList();
    return lines.isEmpty() ? "(no output)" : String.join(" | ", lines);
  }
}
