package io.flowgate.connectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.connectors.nodered.EditorProbe;
import io.flowgate.connectors.nodered.ProbeResult;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.FreePort;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InstanceRuntime} does alike, so the engine can treat them alike: each subclass
 * runs these tests against a real runtime with a real Node-RED.
 */
abstract class InstanceRuntimeContract {

  static final String RUN_LABEL = "io.flowgate.test-run";
  static final Duration EDITOR_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  InstanceRuntime runtime;
  EditorProbe probe;

  /** Labels everything a test creates, so cleanup finds what a failed test left. */
  String run;

  private final List<String> names = new ArrayList<>();

  /** The runtime under test; closed after each test. */
  abstract InstanceRuntime newRuntime();

  /** The image a spec names: present on the host for Docker, only recorded by others. */
  abstract String image();

  /** Asserts the runtime kept nothing of a removed instance (beyond what inspect shows). */
  void assertNothingLeftOf(String name) {}

  /** Runs after each test's instances are removed and the runtime is closed. */
  void afterCleanup() {}

  @BeforeEach
  final void openRuntime() {
    runtime = newRuntime();
    probe = new EditorProbe(Duration.ofSeconds(2));
    run = randomHex();
  }

  @AfterEach
  final void removeEverythingThisTestMade() {
    // By label and by name: a test that failed half-way must not leave instances behind.
    try {
      runtime.list(Map.of(RUN_LABEL, run)).forEach(state -> runtime.remove(state.id()));
      names.forEach(runtime::remove);
    } finally {
      probe.close();
      runtime.close();
    }
    afterCleanup();
  }

  @Test
  void pingNamesTheRuntimeAndItsVersion() {
    RuntimeInfo info = runtime.ping();

    assertThat(info.kind()).isEqualTo(runtime.kind());
    assertThat(info.version()).matches("\\d+\\.\\d+.*");
    assertThat(info.detail()).isNotBlank();
  }

  @Test
  void anInstanceGoesThroughItsWholeLifecycle() {
    int port = FreePort.find();
    String name = newName();
    ContainerSpec spec =
        spec(name, port).env("TZ", "UTC").label("io.flowgate.instance", "i-" + run).build();

    String id = runtime.create(spec);

    assertThat(runtime.create(spec)).as("a retried create").isEqualTo(id);
    ContainerState created = runtime.inspect(id).orElseThrow();
    assertThat(created.name()).isEqualTo(name);
    assertThat(created.status()).isEqualTo(Status.CREATED);
    assertThat(created.startedAt()).isNull();
    assertThat(created.exitCode()).isNull();
    assertThat(created.labels())
        .containsEntry(RUN_LABEL, run)
        .containsEntry("io.flowgate.instance", "i-" + run);
    assertThat(runtime.inspect(name)).as("found by name too").isPresent();

    Instant beforeStart = Instant.now().minusSeconds(2);
    runtime.start(id);
    runtime.start(id); // starting a running instance does nothing

    URI editor = editorUrl(port);
    assertThat(awaitEditor(editor).httpStatus()).isEqualTo(200);

    ContainerState running = runtime.inspect(id).orElseThrow();
    assertThat(running.status()).isEqualTo(Status.RUNNING);
    assertThat(running.running()).isTrue();
    assertThat(running.startedAt()).isAfter(beforeStart);
    assertThat(running.exitCode()).isNull();
    assertThat(running.labels()).containsEntry("io.flowgate.instance", "i-" + run);

    String logs =
        Await.until(
            "Node-RED's start line in the instance's log",
            Duration.ofSeconds(10),
            Duration.ofMillis(200),
            () -> runtime.logs(id, 200),
            text -> text.contains("Server now running at"));
    assertThat(logs).contains("Welcome to Node-RED").contains(":" + port + "/");
    assertThat(runtime.logs(id, 1).lines().count()).isEqualTo(1);

    assertThat(runtime.list(Map.of(RUN_LABEL, run)))
        .singleElement()
        .satisfies(
            state -> {
              assertThat(state.id()).isEqualTo(id);
              assertThat(state.status()).isEqualTo(Status.RUNNING);
            });
    assertThat(runtime.list(Map.of(RUN_LABEL, run, "io.flowgate.instance", "other"))).isEmpty();
    assertThat(runtime.create(spec)).as("a create retried while it runs").isEqualTo(id);

    runtime.stop(id, STOP_TIMEOUT);

    ContainerState stopped = runtime.inspect(id).orElseThrow();
    assertThat(stopped.status()).isEqualTo(Status.EXITED);
    assertThat(stopped.exitCode()).isZero(); // Node-RED ends cleanly on SIGTERM
    assertThat(stopped.startedAt()).isEqualTo(running.startedAt());
    assertThat(probe.probe(editor).nodeRed()).isFalse();
    runtime.stop(id, STOP_TIMEOUT); // stopping a stopped instance does nothing

    runtime.start(id);

    awaitEditor(editor);
    ContainerState restarted = runtime.inspect(id).orElseThrow();
    assertThat(restarted.status()).isEqualTo(Status.RUNNING);
    assertThat(restarted.exitCode()).isNull();
    assertThat(restarted.startedAt()).isAfter(running.startedAt());

    runtime.remove(id);

    assertThat(runtime.inspect(id)).isEmpty();
    assertThat(runtime.inspect(name)).isEmpty();
    assertThat(runtime.list(Map.of(RUN_LABEL, run))).isEmpty();
    assertThat(probe.probe(editor).nodeRed()).isFalse();
    assertNothingLeftOf(name);
    runtime.remove(id); // removing what is gone does nothing
  }

  @Test
  void aCrashingInstanceReportsExitedWithItsExitCode() throws Exception {
    // Node-RED exits with 1 when its port is taken: hold the port.
    try (ServerSocket taken = new ServerSocket(0)) {
      String id = runtime.create(spec(newName(), taken.getLocalPort()).build());

      runtime.start(id);

      ContainerState failed =
          Await.until(
              "the instance to exit with an exit code",
              Duration.ofSeconds(30),
              Duration.ofMillis(100),
              () -> runtime.inspect(id).orElseThrow(),
              state -> state.status() == Status.EXITED && state.exitCode() != null);
      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(failed.running()).isFalse();
      assertThat(failed.startedAt()).isNotNull();
      assertThat(runtime.logs(id, 50)).contains("port in use");
    }
  }

  @Test
  void operationsOnAnUnknownInstanceSaySo() {
    String missing = "flowgate-missing-" + run;

    assertThat(runtime.inspect(missing)).isEmpty();
    assertThatThrownBy(() -> runtime.start(missing))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> runtime.stop(missing, Duration.ofSeconds(1)))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> runtime.logs(missing, 10))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    runtime.remove(missing); // does nothing
    assertThat(runtime.list(Map.of(RUN_LABEL, run))).isEmpty();
  }

  /** A fresh instance name, removed after the test whatever happens. */
  String newName() {
    String name = "flowgate-test-" + randomHex();
    names.add(name);
    return name;
  }

  /** A Node-RED instance on {@code port}, labelled with this test's run. */
  ContainerSpec.Builder spec(String name, int port) {
    return ContainerSpec.builder(name, image())
        .env("PORT", Integer.toString(port))
        .label(RUN_LABEL, run);
  }

  static URI editorUrl(int port) {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  ProbeResult awaitEditor(URI editor) {
    return Await.until(
        "the Node-RED editor at " + editor + " to answer",
        EDITOR_TIMEOUT,
        Duration.ofMillis(250),
        () -> probe.probe(editor),
        ProbeResult::nodeRed);
  }

  static String randomHex() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
