package io.flowgate.connectors.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Node.js scripts that drive the headless Chromium of {@link RequiresBrowser} with
 * playwright-core: {@code node} with playwright-core on {@code NODE_PATH} and the browser's path in
 * {@code FLOWGATE_CHROMIUM}. A script reads its input (JSON) from standard input, writes its result
 * (JSON) to standard output and its progress to standard error.
 */
public final class Browser {

  /** The system property (set by the parent pom's surefire) that names the Chromium binary. */
  public static final String CHROMIUM_PROPERTY = "flowgate.chromium";

  /** The system property that names the node_modules folder holding playwright-core. */
  public static final String PLAYWRIGHT_PROPERTY = "flowgate.playwright.home";

  private Browser() {}

  /** What a script did: its exit code, standard output and standard error. */
  public record Result(int exitCode, String output, String log) {
    @Override
    public String toString() {
      return "exit code " + exitCode + "\n--- output\n" + output + "\n--- log\n" + log;
    }
  }

  /** Runs a script file with the input on its standard input. */
  public static Result runScript(Path script, String input, Duration timeout) {
    return run(List.of(script.toString()), input, timeout);
  }

  /** Runs a line of JavaScript ({@code node -e}). */
  static Result run(String code, String input, Duration timeout) {
    return run(List.of("-e", code), input, timeout);
  }

  private static Result run(List<String> arguments, String input, Duration timeout) {
    Path output = null;
    Path log = null;
    try {
      output = Files.createTempFile("flowgate-browser-", ".out");
      log = Files.createTempFile("flowgate-browser-", ".log");
      List<String> command = new ArrayList<>();
      command.add(NodeRedProcess.NODE);
      command.addAll(arguments);
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(log.toFile());
      builder.environment().put("NODE_PATH", System.getProperty(PLAYWRIGHT_PROPERTY, ""));
      builder.environment().put("FLOWGATE_CHROMIUM", System.getProperty(CHROMIUM_PROPERTY, ""));
      Process process = builder.start();
      try (OutputStream stdin = process.getOutputStream()) {
        if (input != null) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      int exitCode;
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        exitCode = process.exitValue();
      } else {
        // the browser first, then the script that started it
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        Files.writeString(
            log,
            "\n(killed: still running after " + timeout.toSeconds() + " s)",
            StandardOpenOption.APPEND);
        exitCode = -1;
      }
      return new Result(exitCode, Files.readString(output), Files.readString(log));
    } catch (IOException e) {
      return new Result(-1, "", "could not run node: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a browser script ran", e);
    } finally {
      deleteQuietly(output);
      deleteQuietly(log);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temporary file left behind does no harm
    }
  }
}
