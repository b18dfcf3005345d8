package io.flowgate.connectors.runtime;

import static io.flowgate.connectors.runtime.InstanceRuntimeContract.editorUrl;
import static io.flowgate.connectors.runtime.LocalProcessRuntimeContractTest.nodeRedHome;
import static io.flowgate.connectors.runtime.LocalProcessRuntimeContractTest.processesUnder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.connectors.nodered.EditorProbe;
import io.flowgate.connectors.nodered.ProbeResult;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only {@link LocalProcessRuntime} does; the shared behaviour is in the contract. */
class LocalProcessRuntimeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "s3cr3t-" + InstanceRuntimeContract.randomHex();

  @TempDir Path workDir;

  @AfterEach
  void noProcessOutlivesTheTest() {
    List<ProcessHandle> left = processesUnder(workDir);
    left.forEach(ProcessHandle::destroyForcibly); // so one failure does not leak into others
    assertThat(left).as("processes left running").isEmpty();
  }

  @Test
  @RequiresNodeRed
  void aSecondRuntimeOnTheSameFolderFindsTheRunningInstance() throws Exception {
    int port = FreePort.find();
    ContainerSpec spec =
        ContainerSpec.builder("flowgate-local-1", "ignored/image:1")
            .env("PORT", Integer.toString(port))
            .env("NODE_RED_CREDENTIAL_SECRET", SECRET)
            .label("io.flowgate.instance", "i-1")
            .memoryMegabytes(256)
            .build();
    Path dir = workDir.resolve("instances/flowgate-local-1");
    LocalProcessRuntime first = new LocalProcessRuntime(workDir, nodeRedHome());
    try (EditorProbe probe = new EditorProbe(Duration.ofSeconds(2))) {
      String id = first.create(spec);
      first.start(id);
      awaitEditor(probe, port);
      ContainerState before = first.inspect(id).orElseThrow();
      long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
      first.close(); // as the engine does when it shuts down: the instance keeps running

      try (LocalProcessRuntime second = new LocalProcessRuntime(workDir, nodeRedHome())) {
        ContainerState found = second.inspect(id).orElseThrow();
        assertThat(found.status()).isEqualTo(Status.RUNNING);
        assertThat(found.startedAt()).isEqualTo(before.startedAt());
        assertThat(found.labels()).containsEntry("io.flowgate.instance", "i-1");
        assertThat(second.list(Map.of("io.flowgate.instance", "i-1")))
            .extracting(ContainerState::id)
            .containsExactly(id);

        second.start(id); // running already: no second process
        assertThat(Files.readString(dir.resolve("pid")).strip()).isEqualTo(Long.toString(pid));
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        // Only PATH, HOME and the spec's variables reach Node-RED, not the engine's environment.
        Path environ = Path.of("/proc", Long.toString(pid), "environ");
        if (Files.isReadable(environ)) {
          Set<String> names =
              Arrays.stream(Files.readString(environ).split("\0"))
                  .filter(entry -> !entry.isEmpty())
                  .map(entry -> entry.substring(0, entry.indexOf('=')))
                  .collect(Collectors.toSet());
          assertThat(names)
              .isEqualTo(LocalProcessRuntime.environment(System.getenv(), spec.env()).keySet())
              .contains("PORT", "NODE_RED_CREDENTIAL_SECRET", "PATH");
        }
        assertThat(Files.readString(workDir.resolve("settings.js")))
            .as("the settings of the Docker image")
            .isEqualTo(Files.readString(Path.of("../docker/node-red/settings.js")));
        assertThat(second.logs(id, 100)).contains("Server now running").doesNotContain(SECRET);

        second.stop(id, Duration.ofSeconds(10));

        assertThat(ProcessHandle.of(pid).filter(LocalProcessRuntime::alive)).isEmpty();
        assertThat(probe.probe(editorUrl(port)).nodeRed()).isFalse();
        // The first runtime's JVM started the process, so it learns the exit code and records it.
        ContainerState stopped =
            Await.until(
                "the exit code to be recorded",
                Duration.ofSeconds(5),
                Duration.ofMillis(50),
                () -> second.inspect(id).orElseThrow(),
                state -> state.exitCode() != null);
        assertThat(stopped.status()).isEqualTo(Status.EXITED);
        assertThat(stopped.exitCode()).isZero();

        second.remove(id);
        assertThat(dir).doesNotExist();
      }
    } finally {
      first.remove("flowgate-local-1");
    }
  }

  @Test
  void aRecycledPidIsNotTakenForTheInstance() throws Exception {
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir, null)) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-2", "img").build());
      Path dir = workDir.resolve("instances").resolve(id);

      // The pid now belongs to this JVM.
      Files.writeString(dir.resolve("pid"), ProcessHandle.current().pid() + "\n");
      assertThat(runtime.inspect(id).orElseThrow().status()).isEqualTo(Status.EXITED);

      // ... or to a process that even names the instance's folder. (Not `tail -f` of the log:
      // tail may end by itself once the folder is deleted, which made this check flaky.)
      Path log = Files.createFile(dir.resolve("node-red.log"));
      Process stranger =
          new ProcessBuilder("sh", "-c", "sleep 120; :", "stranger", log.toString()).start();
      try {
        Files.writeString(dir.resolve("pid"), stranger.pid() + "\n");
        assertThat(runtime.inspect(id).orElseThrow().status()).isEqualTo(Status.EXITED);
        assertThat(runtime.list(Map.of()))
            .extracting(ContainerState::status)
            .containsExactly(Status.EXITED);

        runtime.stop(id, Duration.ofSeconds(1));
        runtime.remove(id);

        assertThat(stranger.isAlive()).as("a stranger's process is left alone").isTrue();
        assertThat(dir).doesNotExist();
      } finally {
        stranger.descendants().forEach(ProcessHandle::destroyForcibly);
        stranger.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void specJsonHoldsTheSpecForTheOwnerOnly() throws Exception {
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir, null)) {
      ContainerSpec spec =
          ContainerSpec.builder("flowgate-local-3", "flowgate/node-red:4.1.8")
              .env("NODE_RED_CREDENTIAL_SECRET", SECRET)
              .label("io.flowgate.instance", "i-3")
              .cpus(0.5)
              .memoryMegabytes(256)
              .restartPolicy(RestartPolicy.ON_FAILURE)
              .build();
      Instant before = Instant.now();

      String id = runtime.create(spec);

      assertThat(id).isEqualTo("flowgate-local-3");
      Path dir = workDir.resolve("instances").resolve(id);
      Path specFile = dir.resolve("spec.json");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(specFile)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      Path userDir = workDir.resolve("data").resolve(id);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(userDir)))
          .isEqualTo("rwx------");
      assertThat(dir.resolve("data")).as("no userDir in the instance folder").doesNotExist();
      JsonNode stored = JSON.readTree(specFile.toFile());
      assertThat(stored.path("name").asText()).isEqualTo(id);
      assertThat(stored.path("image").asText()).isEqualTo("flowgate/node-red:4.1.8");
      assertThat(stored.path("env").path("NODE_RED_CREDENTIAL_SECRET").asText()).isEqualTo(SECRET);
      assertThat(stored.path("labels").path("io.flowgate.instance").asText()).isEqualTo("i-3");
      assertThat(stored.path("nanoCpus").asLong()).isEqualTo(500_000_000L);
      assertThat(stored.path("memoryBytes").asLong()).isEqualTo(256L * 1024 * 1024);
      assertThat(stored.path("restartPolicy").asText()).isEqualTo("ON_FAILURE");
      assertThat(Instant.parse(stored.path("createdAt").asText())).isBetween(before, Instant.now());

      ContainerState created = runtime.inspect(id).orElseThrow();
      assertThat(created.status()).isEqualTo(Status.CREATED);
      assertThat(created.startedAt()).isNull();
      assertThat(created.exitCode()).isNull();

      byte[] first = Files.readAllBytes(specFile);
      runtime.create(ContainerSpec.builder(id, "other/image:2").env("X", "y").build());
      assertThat(Files.readAllBytes(specFile))
          .as("a retried create changes nothing")
          .isEqualTo(first);
      runtime.remove(id);
    }
  }

  @Test
  void aMemoryLimitBecomesV8sHeapLimitBeforeRedJs() {
    LocalProcessRuntime runtime = new LocalProcessRuntime(workDir, null);
    Path node = Path.of("/usr/bin/node");
    Path home = Path.of("/opt/node-red");
    Path dir = workDir.resolve("instances/a1");

    List<String> limited =
        runtime.command(node, home, workDir.resolve("settings.js"), dir, 256L * 1024 * 1024);

    // A node option: after red.js it would go to Node-RED, which ignores it.
    assertThat(limited)
        .containsSubsequence(
            "/usr/bin/node",
            "--max-old-space-size=192",
            "/opt/node-red/red.js",
            "--userDir",
            workDir.resolve("data/a1").toString(),
            "--settings",
            workDir.resolve("settings.js").toString());
    assertThat(runtime.command(node, home, workDir.resolve("settings.js"), dir, null))
        .noneMatch(arg -> arg.startsWith("--max-old-space-size"));
    assertThat(LocalProcessRuntime.heapMegabytes(ContainerSpec.MIN_MEMORY_BYTES)).isEqualTo(4);
    assertThat(LocalProcessRuntime.heapMegabytes(1024L * 1024 * 1024)).isEqualTo(768);
  }

  @Test
  void onlyPathHomeAndTheSpecsVariablesAreHandedOn() {
    Map<String, String> jvm =
        Map.of(
            "PATH", "/usr/bin:/bin",
            "HOME", "/home/flowgate",
            "FLOWGATE_ADMIN_PASSWORD", "engine-secret",
            "AWS_SECRET_ACCESS_KEY", "engine-secret");

    Map<String, String> env =
        LocalProcessRuntime.environment(jvm, Map.of("PORT", "1881", "HOME", "/data"));

    assertThat(env)
        .containsOnly(
            Map.entry("PATH", "/usr/bin:/bin"),
            Map.entry("HOME", "/data"),
            Map.entry("PORT", "1881"));
  }

  @Test
  void anInstanceThatIgnoresSigtermIsKilledWithItsChildren() throws Exception {
    // A stand-in for node that ignores SIGTERM and has a child (like an exec node's command).
    Path fakeNode =
        executable(
            "fake-node",
            """
            #!/bin/sh
            trap '' TERM
            sleep 300 &
            wait
            """);
    Path home = Files.createDirectories(workDir.resolve("home"));
    Files.createFile(home.resolve("red.js"));
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir, home, fakeNode.toString(), "npm")) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-4", "img").build());
      runtime.start(id);
      assertThat(runtime.inspect(id).orElseThrow().status()).isEqualTo(Status.RUNNING);
      long pid =
          Long.parseLong(
              Files.readString(workDir.resolve("instances/flowgate-local-4/pid")).strip());
      ProcessHandle sleep =
          Await.until(
                  "the stand-in's child",
                  Duration.ofSeconds(5),
                  Duration.ofMillis(20),
                  () -> ProcessHandle.of(pid).flatMap(p -> p.children().findFirst()),
                  Optional::isPresent)
              .orElseThrow();

      long started = System.nanoTime();
      runtime.stop(id, Duration.ofMillis(500));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
      ContainerState killed = runtime.inspect(id).orElseThrow();
      assertThat(killed.status()).isEqualTo(Status.EXITED);
      assertThat(killed.exitCode()).as("128 + SIGKILL, as Docker reports it").isEqualTo(137);
      // Killed, not merely orphaned (its zombie may linger where PID 1 does not reap).
      Await.until(
          "the child Node-RED left behind to end",
          Duration.ofSeconds(5),
          Duration.ofMillis(20),
          () -> LocalProcessRuntime.alive(sleep),
          alive -> !alive);
      runtime.remove(id);
    }
  }

  @Test
  void trustedCertificatesAreAFileOfTheInstanceThatNodeJsIsPointedAt() throws Exception {
    // A stand-in for node that records what NODE_EXTRA_CA_CERTS names.
    Path seen = workDir.resolve("seen-by-node.pem");
    Path fakeNode =
        executable(
            "fake-node",
            """
            #!/bin/sh
            if [ -n "$NODE_EXTRA_CA_CERTS" ]; then cat "$NODE_EXTRA_CA_CERTS"; else printf none; fi > '%s'
            """
                .formatted(seen));
    Path home = Files.createDirectories(workDir.resolve("home"));
    Files.createFile(home.resolve("red.js"));
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir, home, fakeNode.toString(), "npm")) {
      String id =
          runtime.create(
              ContainerSpec.builder("flowgate-local-ca", "img")
                  .trustedCertificates(ContainerSpecTest.PEM)
                  .build());
      Path dir = workDir.resolve("instances").resolve(id);
      Path certificates = dir.resolve(LocalProcessRuntime.TRUSTED_CERTIFICATES_FILE);
      assertThat(certificates).hasContent(ContainerSpecTest.PEM);
      assertThat(dir.resolve("spec.json")).content().doesNotContain("CERTIFICATE");

      runtime.start(id);
      awaitExit(runtime, id);

      assertThat(seen).hasContent(ContainerSpecTest.PEM);

      runtime.remove(id);
      runtime.create(ContainerSpec.builder(id, "img").build());
      assertThat(certificates).as("gone with the instance folder").doesNotExist();
      runtime.start(id);
      awaitExit(runtime, id);

      assertThat(seen).hasContent("none");
      runtime.remove(id);
    }
  }

  @Test
  void anInstanceWhoseStarterIsGoneIsFoundAndStopped() throws Exception {
    // As after an engine restart: the process was started by a parent that no longer exists.
    Path fakeNode =
        executable(
            "fake-node",
            """
            #!/bin/sh
            sleep 300 &
            wait
            """);
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir, null)) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-9", "img").build());
      Path dir = workDir.resolve("instances").resolve(id);
      Process starter =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "\"$0\" --userDir \"$1\" >/dev/null 2>&1 & echo $!",
                  fakeNode.toString(),
                  workDir.resolve("data").resolve(id).toString())
              .start();
      long pid = Long.parseLong(new String(starter.getInputStream().readAllBytes()).strip());
      assertThat(starter.waitFor(5, TimeUnit.SECONDS)).isTrue();
      try {
        Files.writeString(dir.resolve("pid"), pid + "\n");

        ContainerState found = runtime.inspect(id).orElseThrow();
        assertThat(found.status()).isEqualTo(Status.RUNNING);
        assertThat(found.startedAt()).as("from the process itself").isNotNull();

        runtime.stop(id, Duration.ofSeconds(5));

        ContainerState stopped = runtime.inspect(id).orElseThrow();
        assertThat(stopped.status()).isEqualTo(Status.EXITED);
        assertThat(stopped.exitCode()).as("only a process's parent learns it").isNull();
        assertThat(ProcessHandle.of(pid).filter(LocalProcessRuntime::alive)).isEmpty();
        runtime.remove(id);
      } finally {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void aUserDirInTheInstanceFolderMovesToTheDataFolderAtStart() throws Exception {
    // As left by a runtime that kept the userDir in instances/<name>/data.
    Path fakeNode =
        executable(
            "fake-node",
            """
            #!/bin/sh
            sleep 300 &
            wait
            """);
    Path home = Files.createDirectories(workDir.resolve("home"));
    Files.createFile(home.resolve("red.js"));
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir, home, fakeNode.toString(), "npm")) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-10", "img").build());
      Path userDir = workDir.resolve("data").resolve(id);
      Path legacy = workDir.resolve("instances").resolve(id).resolve("data");
      Files.delete(userDir);
      Files.createDirectories(legacy);
      Files.writeString(legacy.resolve("flows.json"), "[]");

      runtime.start(id);

      assertThat(userDir.resolve("flows.json")).hasContent("[]");
      assertThat(legacy).doesNotExist();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(userDir)))
          .isEqualTo("rwx------");
      long pid =
          Long.parseLong(
              Files.readString(workDir.resolve("instances").resolve(id).resolve("pid")).strip());
      assertThat(LocalProcessRuntime.commandLine(ProcessHandle.of(pid).orElseThrow()).orElseThrow())
          .containsSubsequence("--userDir", userDir.toString());

      runtime.remove(id);

      assertThat(userDir.resolve("flows.json")).as("kept by remove").hasContent("[]");
      runtime.deleteData(id);
      assertThat(userDir).doesNotExist();
      assertThat(workDir.resolve("data")).isEmptyDirectory();
    }
  }

  @Test
  void nodeRedIsInstalledWithNpmOnFirstStartOnly() throws Exception {
    Path calls = workDir.resolve("npm-calls");
    Path fakeNpm =
        executable(
            "fake-npm",
            """
            #!/bin/sh
            echo "$*" >> '%s'
            prefix=""
            while [ $# -gt 0 ]; do
              [ "$1" = "--prefix" ] && prefix="$2"
              shift
            done
            mkdir -p "$prefix/node_modules/node-red"
            echo '{"name":"node-red","version":"4.1.8"}' > "$prefix/node_modules/node-red/package.json"
            : > "$prefix/node_modules/node-red/red.js"
            """
                .formatted(calls));
    // `true` stands in for node: the "instance" exits at once with 0.
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir.resolve("rt"), null, "true", fakeNpm.toString())) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-5", "img").build());
      assertThat(workDir.resolve("rt/node-red"))
          .as("not installed before a start needs it")
          .doesNotExist();

      runtime.start(id);
      awaitExit(runtime, id);
      runtime.start(id);
      awaitExit(runtime, id);

      Path install = workDir.resolve("rt/node-red");
      assertThat(Files.readAllLines(calls))
          .containsExactly(
              "install --no-save --no-audit --no-fund --prefix " + install + " node-red@4.1.8");
      assertThat(install.resolve("node_modules/node-red/red.js")).isRegularFile();
      assertThat(runtime.inspect(id).orElseThrow().exitCode()).isZero();
      runtime.remove(id);
    }
  }

  @Test
  void aFailedNodeRedInstallSaysWhyAndStartsNothing() throws Exception {
    Path failingNpm =
        executable(
            "failing-npm",
            """
            #!/bin/sh
            echo "npm error code ENOTFOUND"
            echo "npm error network request to https://registry.npmjs.org/node-red failed"
            exit 1
            """);
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir.resolve("rt"), null, "true", failingNpm.toString())) {
      String id =
          runtime.create(
              ContainerSpec.builder("flowgate-local-6", "img")
                  .env("NODE_RED_CREDENTIAL_SECRET", SECRET)
                  .build());

      assertThatThrownBy(() -> runtime.start(id))
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("npm install node-red@4.1.8")
          .hasMessageContaining("exit code 1")
          .hasMessageContaining("npm error code ENOTFOUND")
          .hasMessageContaining("npm-install.log")
          .hasMessageNotContaining(SECRET);
      assertThat(runtime.inspect(id).orElseThrow().status()).isEqualTo(Status.CREATED);
    }
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir.resolve("rt"), null, "true", "flowgate-no-such-npm")) {
      assertThatThrownBy(() -> runtime.start("flowgate-local-6"))
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("flowgate-no-such-npm")
          .hasMessageContaining("not on the PATH")
          .hasMessageContaining("4.1.8");
      runtime.remove("flowgate-local-6");
    }
  }

  @Test
  void aHomeWithoutRedJsIsRefusedAtStart() throws Exception {
    Path empty = Files.createDirectories(workDir.resolve("empty"));
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir, empty, "true", "npm")) {
      String id = runtime.create(ContainerSpec.builder("flowgate-local-7", "img").build());

      assertThatThrownBy(() -> runtime.start(id))
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("No red.js in the Node-RED home " + empty);
      runtime.remove(id);
    }
  }

  @Test
  @RequiresNodeRed
  void pingReportsNodeAndWhereNodeRedIsWithoutInstallingIt() {
    try (LocalProcessRuntime given = new LocalProcessRuntime(workDir, nodeRedHome());
        LocalProcessRuntime installing = new LocalProcessRuntime(workDir.resolve("rt"), null)) {
      RuntimeInfo info = given.ping();
      assertThat(info.kind()).isEqualTo("local-process");
      assertThat(info.version()).matches("\\d+\\.\\d+\\.\\d+");
      assertThat(info.detail())
          .contains("Node.js v" + info.version())
          .contains("Node-RED 4.1.8 at " + nodeRedHome().toAbsolutePath().normalize());

      assertThat(installing.ping().detail())
          .contains("Node-RED 4.1.8 will be installed into " + workDir.resolve("rt/node-red"));
      assertThat(workDir.resolve("rt")).doesNotExist();
    }
  }

  @Test
  void pingWithoutNodeSaysTheRuntimeIsUnavailable() {
    try (LocalProcessRuntime runtime =
        new LocalProcessRuntime(workDir, null, "flowgate-no-such-node", "npm")) {
      assertThatThrownBy(runtime::ping)
          .isInstanceOf(RuntimeUnavailableException.class)
          .hasMessageContaining("flowgate-no-such-node");
    }
  }

  @Test
  void idsThatAreNotNamesReachNothing() throws Exception {
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir.resolve("rt"), null)) {
      runtime.create(ContainerSpec.builder("flowgate-local-8", "img").build());
      Files.createDirectories(workDir.resolve("rt/instances/.flowgate-local-8.removed-1"));

      for (String id : List.of("..", "../instances", ".flowgate-local-8.removed-1", "", "a/b")) {
        assertThat(runtime.inspect(id)).as(id).isEmpty();
        assertThatThrownBy(() -> runtime.start(id)).isInstanceOf(ContainerNotFoundException.class);
        assertThatThrownBy(() -> runtime.logs(id, 1))
            .isInstanceOf(ContainerNotFoundException.class);
        runtime.remove(id);
        assertThat(runtime.hasData(id)).as(id).isFalse();
        runtime.deleteData(id);
      }
      assertThat(workDir.resolve("rt/data/flowgate-local-8")).isDirectory();
      assertThat(runtime.list(Map.of()))
          .extracting(ContainerState::id)
          .containsExactly("flowgate-local-8");
      assertThat(workDir.resolve("rt/instances/.flowgate-local-8.removed-1")).isDirectory();
      runtime.remove("flowgate-local-8");
    }
  }

  @Test
  void dataFilesAreReadOnlyFromInsideTheUserDirAndUpToTheCap() throws Exception {
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir.resolve("rt"), null)) {
      runtime.create(ContainerSpec.builder("flowgate-local-9", "img").build());
      Path userDir = workDir.resolve("rt/data/flowgate-local-9");
      Path outside = Files.createDirectories(workDir.resolve("outside"));
      Files.writeString(outside.resolve("engine-secret.txt"), "not for instances");
      Files.createSymbolicLink(
          userDir.resolve("flows_cred.json"), outside.resolve("engine-secret.txt"));
      Files.createSymbolicLink(userDir.resolve("linked"), outside);
      Files.createDirectories(userDir.resolve("lib/flows"));
      Files.writeString(userDir.resolve("lib/flows/a.json"), "[]");
      try (RandomAccessFile big = new RandomAccessFile(userDir.resolve("big.bin").toFile(), "rw")) {
        big.setLength(InstanceRuntime.MAX_DATA_FILE_BYTES + 1L); // sparse: no disk used
      }

      assertThat(runtime.readDataFile("flowgate-local-9", "lib//flows/./a.json"))
          .hasValueSatisfying(content -> assertThat(content).asString().isEqualTo("[]"));
      assertThatThrownBy(() -> runtime.readDataFile("flowgate-local-9", "flows_cred.json"))
          .as("a link")
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("not a regular file");
      assertThatThrownBy(() -> runtime.readDataFile("flowgate-local-9", "linked/engine-secret.txt"))
          .as("through a linked folder")
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("outside");
      assertThatThrownBy(() -> runtime.readDataFile("flowgate-local-9", "big.bin"))
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining("more than the " + InstanceRuntime.MAX_DATA_FILE_BYTES);
      assertThat(runtime.readDataFile("flowgate-local-9", "lib/flows/a.json/x")).isEmpty();
      runtime.remove("flowgate-local-9");
      runtime.deleteData("flowgate-local-9");
    }
  }

  @Test
  void dataFilesOfAnInstanceNotStartedSinceUserDirsMovedAreReadFromTheOldPlace() throws Exception {
    try (LocalProcessRuntime runtime = new LocalProcessRuntime(workDir.resolve("rt"), null)) {
      runtime.create(ContainerSpec.builder("flowgate-local-10", "img").build());
      Path legacy = workDir.resolve("rt/instances/flowgate-local-10/data");
      Files.createDirectories(legacy);
      Files.writeString(legacy.resolve("flows.json"), "[{\"id\": \"old\"}]");

      assertThat(runtime.readDataFile("flowgate-local-10", "flows.json"))
          .hasValueSatisfying(content -> assertThat(content).asString().contains("old"));
      runtime.remove("flowgate-local-10");
      runtime.deleteData("flowgate-local-10");
    }
  }

  @Test
  void logsAreTheLastLinesOfTheFile() throws Exception {
    Path log = workDir.resolve("log");
    String longLine = "x".repeat(20_000); // longer than a read chunk
    Files.writeString(log, "one\ntwo\n" + longLine + "\nfour\nfive\n");

    assertThat(LocalProcessRuntime.tail(log, 2)).isEqualTo("four\nfive\n");
    assertThat(LocalProcessRuntime.tail(log, 3)).isEqualTo(longLine + "\nfour\nfive\n");
    assertThat(LocalProcessRuntime.tail(log, 4)).isEqualTo("two\n" + longLine + "\nfour\nfive\n");
    assertThat(LocalProcessRuntime.tail(log, 100)).isEqualTo(Files.readString(log));
    assertThat(LocalProcessRuntime.tail(log, 0)).isEmpty();

    Files.writeString(log, "a\nb\nno newline yet");
    assertThat(LocalProcessRuntime.tail(log, 2)).isEqualTo("b\nno newline yet");
    Files.writeString(log, "");
    assertThat(LocalProcessRuntime.tail(log, 5)).isEmpty();
  }

  @Test
  void theSettingsInTheJarAreThoseOfTheDockerImage() throws IOException {
    try (InputStream packaged = LocalProcessRuntime.class.getResourceAsStream("settings.js")) {
      assertThat(packaged).isNotNull();
      assertThat(new String(packaged.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(Path.of("../docker/node-red/settings.js")));
    }
  }

  private Path executable(String name, String script) throws IOException {
    Path file = workDir.resolve(name);
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static void awaitExit(InstanceRuntime runtime, String id) {
    Await.until(
        "the instance to exit",
        Duration.ofSeconds(10),
        Duration.ofMillis(20),
        () -> runtime.inspect(id).orElseThrow(),
        state -> state.status() == Status.EXITED && state.exitCode() != null);
  }

  private static ProbeResult awaitEditor(EditorProbe probe, int port) {
    return Await.until(
        "the Node-RED editor to answer",
        InstanceRuntimeContract.EDITOR_TIMEOUT,
        Duration.ofMillis(250),
        () -> probe.probe(editorUrl(port)),
        ProbeResult::nodeRed);
  }
}
