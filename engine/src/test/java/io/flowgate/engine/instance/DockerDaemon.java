package io.flowgate.engine.instance;

import io.flowgate.connectors.testing.RealComponent;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stops and starts the machine's dockerd the way {@code ./flowgate test} starts it, for failure
 * injection. Only possible as root with a dockerd that wrote {@code /var/run/docker.pid}.
 */
public final class DockerDaemon {

  private static final Path PID_FILE = Path.of("/var/run/docker.pid");
  private static final File LOG = new File("/var/log/flowgate-dockerd.log");

  private DockerDaemon() {}

  /** Runs a test only where dockerd may be stopped; in CI its absence fails the test. */
  static final class Controllable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return RealComponent.evaluate(
          context, "a dockerd this test may stop and start", DockerDaemon::whyNotControllable);
    }
  }

  /** Why this process cannot stop and start dockerd, or empty when it can. */
  public static Optional<String> whyNotControllable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of("stopping dockerd needs root");
    }
    if (pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isEmpty()) {
      return Optional.of("no running dockerd with " + PID_FILE);
    }
    return Optional.empty();
  }

  public static void stop() {
    ProcessHandle daemon =
        pid().flatMap(ProcessHandle::of).orElseThrow(() -> new IllegalStateException("no dockerd"));
    daemon.destroy();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (daemon.isAlive() || answers()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dockerd did not stop within 60 s");
      }
      sleep(200);
    }
  }

  public static void start() throws IOException {
    Files.deleteIfExists(PID_FILE);
    new ProcessBuilder(
            "setsid",
            "dockerd",
            "--storage-driver=vfs",
            "--iptables=false",
            "--ip-masq=false",
            "--bridge=none")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!answers()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dockerd did not answer within 60 s; see " + LOG);
      }
      sleep(500);
    }
  }

  private static boolean answers() {
    try {
      Process info =
          new ProcessBuilder("docker", "info")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return info.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<Long> pid() {
    try {
      return Optional.of(Long.parseLong(Files.readString(PID_FILE).strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
