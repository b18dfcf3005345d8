package io.flowgate.connectors.runtime;

import static io.flowgate.connectors.runtime.InstanceRuntimeContract.RUN_LABEL;
import static io.flowgate.connectors.runtime.InstanceRuntimeContract.randomHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.DockerCondition;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.RequiresDocker;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What only {@link DockerRuntime} does, against the machine's real dockerd and the local Node-RED
 * image; the lifecycle every runtime shares is in {@link DockerRuntimeContractTest}.
 */
@RequiresDocker
class DockerRuntimeTest {

  private DockerRuntime docker;
  private String run;
  private final List<String> names = new ArrayList<>();

  @BeforeEach
  void connect() {
    docker = DockerRuntime.fromEnvironment();
    run = randomHex();
  }

  @AfterEach
  void removeEverythingThisTestMade() {
    // By label and by name: a test that failed half-way must not leave containers behind.
    try {
      docker.list(Map.of(RUN_LABEL, run)).forEach(c -> docker.remove(c.id()));
      names.forEach(docker::remove);
      names.forEach(docker::deleteData);
    } finally {
      docker.close();
    }
  }

  @Test
  void pingDescribesTheDaemon() {
    RuntimeInfo info = docker.ping();

    assertThat(info.kind()).isEqualTo("docker").isEqualTo(docker.kind());
    assertThat(info.version()).matches("\\d+\\.\\d+.*");
    assertThat(info.detail()).contains("API ").contains("linux");
  }

  @Test
  void pingFailsFastWhenNoDaemonAnswers() {
    for (String host :
        List.of("unix:///tmp/flowgate-no-such-docker.sock", "tcp://127.0.0.1:" + FreePort.find())) {
      try (DockerRuntime missing = new DockerRuntime(DockerRuntime.Settings.of(host))) {
        long started = System.nanoTime();
        assertThatThrownBy(missing::ping)
            .isInstanceOf(RuntimeUnavailableException.class)
            .hasMessageContaining(host);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      }
    }
  }

  @Test
  void limitsPolicyNetworkEnvironmentAndDataVolumeReachTheDaemon() {
    int port = FreePort.find();
    String name = containerName();
    String id =
        docker.create(
            ContainerSpec.builder(name, DockerCondition.nodeRedImage())
                .env("PORT", Integer.toString(port))
                .env("TZ", "UTC")
                .label(RUN_LABEL, run)
                .cpus(0.5)
                .memoryMegabytes(256)
                .restartPolicy(RestartPolicy.UNLESS_STOPPED)
                .build());

    InspectContainerResponse raw = docker.dockerClient().inspectContainerCmd(id).exec();
    HostConfig host = raw.getHostConfig();
    assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(host.getMemory()).isEqualTo(256L * 1024 * 1024);
    assertThat(host.getMemorySwap()).as("no swap beyond the limit").isEqualTo(256L * 1024 * 1024);
    assertThat(host.getNetworkMode()).isEqualTo("host");
    assertThat(host.getRestartPolicy().getName()).isEqualTo("unless-stopped");
    assertThat(raw.getConfig().getEnv()).contains("PORT=" + port, "TZ=UTC");
    assertThat(raw.getConfig().getLabels()).containsEntry(RUN_LABEL, run);
    // The named volume only: no anonymous one for the image's VOLUME /data.
    assertThat(raw.getMounts())
        .singleElement()
        .satisfies(
            mount -> {
              assertThat(mount.getName()).isEqualTo(name + "-data");
              assertThat(mount.getDestination().getPath()).isEqualTo("/data");
              assertThat(mount.getRW()).isTrue();
            });
    InspectVolumeResponse volume =
        docker.dockerClient().inspectVolumeCmd(DockerRuntime.dataVolume(name)).exec();
    assertThat(volume.getLabels()).as("found like the container").containsEntry(RUN_LABEL, run);
  }

  @Test
  void aCrashingInstanceIsRestartedOnFailureAndReportsItsExitCode() throws Exception {
    // Node-RED exits with 1 when its port is taken: hold the port.
    try (ServerSocket taken = new ServerSocket(0)) {
      String name = containerName();
      String id =
          docker.create(
              ContainerSpec.builder(name, DockerCondition.nodeRedImage())
                  .env("PORT", Integer.toString(taken.getLocalPort()))
                  .label(RUN_LABEL, run)
                  .restartPolicy(RestartPolicy.ON_FAILURE)
                  .build());
      HostConfig host = docker.dockerClient().inspectContainerCmd(id).exec().getHostConfig();
      assertThat(host.getRestartPolicy().getName()).isEqualTo("on-failure");
      assertThat(host.getRestartPolicy().getMaximumRetryCount())
          .isEqualTo(DockerRuntime.ON_FAILURE_MAX_RETRIES);

      docker.start(id);

      Await.until(
          "dockerd to restart the failed container",
          Duration.ofSeconds(30),
          Duration.ofMillis(200),
          () -> docker.dockerClient().inspectContainerCmd(id).exec().getRestartCount(),
          count -> count != null && count >= 1);
      ContainerState failed =
          Await.until(
              "the container to report its exit code",
              Duration.ofSeconds(30),
              Duration.ofMillis(100),
              () -> docker.inspect(id).orElseThrow(),
              state -> state.exitCode() != null);
      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(docker.logs(id, 50)).contains("port in use");

      docker.remove(id); // force: also while dockerd is restarting it
      assertThat(docker.inspect(id)).isEmpty();
    }
  }

  @Test
  void dataFilesThatAreLinksOrOverTheCapAreRefused() throws Exception {
    String name = containerName();
    String id =
        docker.create(
            ContainerSpec.builder(name, DockerCondition.nodeRedImage())
                .label(RUN_LABEL, run)
                .build());
    // Planted into the volume as flows could: a link in place of a file, and a file over the cap.
    long bigSize = InstanceRuntime.MAX_DATA_FILE_BYTES + 1L;
    AtomicReference<Exception> writeFailure = new AtomicReference<>();
    try (PipedInputStream archive = new PipedInputStream(64 * 1024)) {
      PipedOutputStream out = new PipedOutputStream(archive);
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                      TarArchiveEntry link =
                          new TarArchiveEntry("flows_cred.json", TarConstants.LF_SYMLINK);
                      link.setLinkName("/usr/src/node-red/settings.js");
                      tar.putArchiveEntry(link);
                      tar.closeArchiveEntry();
                      TarArchiveEntry big = new TarArchiveEntry("big.bin");
                      big.setSize(bigSize);
                      tar.putArchiveEntry(big);
                      byte[] zeros = new byte[64 * 1024];
                      for (long left = bigSize; left > 0; left -= zeros.length) {
                        tar.write(zeros, 0, (int) Math.min(zeros.length, left));
                      }
                      tar.closeArchiveEntry();
                    } catch (IOException e) {
                      writeFailure.set(e);
                    }
                  });
      docker
          .dockerClient()
          .copyArchiveToContainerCmd(id)
          .withRemotePath(DockerRuntime.DATA_PATH)
          .withTarInputStream(archive)
          .exec();
      writer.join();
    }
    assertThat(writeFailure.get()).isNull();

    assertThatThrownBy(() -> docker.readDataFile(name, "flows_cred.json"))
        .isInstanceOf(InstanceRuntimeException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> docker.readDataFile(name, "big.bin"))
        .isInstanceOf(InstanceRuntimeException.class)
        .hasMessageContaining("more than the " + InstanceRuntime.MAX_DATA_FILE_BYTES);
  }

  @Test
  void trustedCertificatesAreAFileOfTheContainerNotOfItsVolume() throws Exception {
    String name = containerName();
    ContainerSpec spec =
        ContainerSpec.builder(name, DockerCondition.nodeRedImage())
            .label(RUN_LABEL, run)
            .trustedCertificates(ContainerSpecTest.PEM)
            .build();

    String first = docker.create(spec);
    // a retried create finds a container that never started: it may be half made, so it is made
    // again (and gets the certificates again)
    String id = docker.create(spec);
    assertThat(id).as("a retried create").isNotEqualTo(first);
    assertThat(
            docker
                .dockerClient()
                .listContainersCmd()
                .withShowAll(true)
                .withIdFilter(List.of(first))
                .exec())
        .as("the first attempt's container")
        .isEmpty();

    assertThat(docker.dockerClient().inspectContainerCmd(id).exec().getConfig().getEnv())
        .contains("NODE_EXTRA_CA_CERTS=" + DockerRuntime.TRUSTED_CERTIFICATES_PATH);
    try (InputStream archive =
            docker
                .dockerClient()
                .copyArchiveFromContainerCmd(id, DockerRuntime.TRUSTED_CERTIFICATES_PATH)
                .exec();
        TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
      TarArchiveEntry entry = tar.getNextEntry();
      assertThat(entry.isFile()).isTrue();
      assertThat(entry.getMode() & 07777).as("mode").isEqualTo(0644);
      assertThat(entry.getLongUserId()).as("owner").isZero();
      assertThat(new String(tar.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(ContainerSpecTest.PEM);
    }
    assertThat(docker.readDataFile(name, "flowgate-ca.pem")).as("nothing in the volume").isEmpty();

    // Created anew without them: neither file nor variable.
    docker.remove(id);
    String plain =
        docker.create(
            ContainerSpec.builder(name, DockerCondition.nodeRedImage())
                .label(RUN_LABEL, run)
                .build());

    assertThat(docker.dockerClient().inspectContainerCmd(plain).exec().getConfig().getEnv())
        .noneMatch(variable -> variable.startsWith("NODE_EXTRA_CA_CERTS="));
    assertThatThrownBy(
            () ->
                docker
                    .dockerClient()
                    .copyArchiveFromContainerCmd(plain, DockerRuntime.TRUSTED_CERTIFICATES_PATH)
                    .exec()
                    .close())
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aMissingImageIsReportedAsSuch() {
    String name = containerName();
    assertThatThrownBy(
            () ->
                docker.create(
                    ContainerSpec.builder(name, "flowgate/does-not-exist:0.0.0")
                        .label(RUN_LABEL, run)
                        .build()))
        .isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("flowgate/does-not-exist:0.0.0");
    assertThat(docker.hasImage("flowgate/does-not-exist:0.0.0")).isFalse();
    assertThat(docker.hasImage(DockerCondition.nodeRedImage())).isTrue();
  }

  private String containerName() {
    String name = "flowgate-test-" + randomHex();
    names.add(name);
    return name;
  }
}
