package io.flowgate.connectors.runtime;

import static io.flowgate.connectors.runtime.InstanceRuntimeContract.RUN_LABEL;
import static io.flowgate.connectors.runtime.InstanceRuntimeContract.editorUrl;
import static io.flowgate.connectors.runtime.InstanceRuntimeContract.randomHex;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.connectors.nodered.EditorProbe;
import io.flowgate.connectors.nodered.NodeModule;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.ProbeResult;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.DockerCondition;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.NpmRegistryCondition;
import io.flowgate.connectors.testing.RequiresDocker;
import io.flowgate.connectors.testing.RequiresNpmRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node module installed through the Admin API of a container that trusts this machine's CA
 * certificates: npm in the container then reaches the registry wherever this machine does, also
 * behind a TLS-inspecting proxy whose CA only this machine's bundle holds.
 */
@RequiresDocker
@RequiresNpmRegistry
class DockerModuleInstallTest {

  private static final String MODULE = NpmRegistryCondition.PROBE_MODULE;
  private static final String VERSION = "0.4.1";
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);

  /** Where Debian and Ubuntu keep the system's CA bundle. */
  private static final Path SYSTEM_CA_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

  private DockerRuntime docker;
  private String run;
  private String name;

  @BeforeEach
  void connect() {
    docker = DockerRuntime.fromEnvironment();
    run = randomHex();
    name = "flowgate-test-" + randomHex();
  }

  @AfterEach
  void removeEverythingThisTestMade() {
    try {
      docker.list(Map.of(RUN_LABEL, run)).forEach(c -> docker.remove(c.id()));
      docker.remove(name);
      docker.deleteData(name);
    } finally {
      docker.close();
    }
  }

  @Test
  void aModuleInstallsFromTheRegistryWhenTheContainerTrustsTheHostsCertificates()
      throws IOException {
    Path bundle = hostCaBundle();
    int port = FreePort.find();
    String id =
        docker.create(
            ContainerSpec.builder(name, DockerCondition.nodeRedImage())
                .env("PORT", Integer.toString(port))
                .label(RUN_LABEL, run)
                .trustedCertificates(Files.readString(bundle, StandardCharsets.UTF_8))
                .build());
    docker.start(id);
    URI editor = editorUrl(port);
    try (EditorProbe probe = new EditorProbe(Duration.ofSeconds(2));
        NodeRedAdminClient admin = new NodeRedAdminClient(editor, Duration.ofSeconds(10))) {
      Await.until(
          "the Node-RED editor at " + editor + " to answer",
          Duration.ofSeconds(60),
          Duration.ofMillis(250),
          () -> probe.probe(editor),
          ProbeResult::nodeRed);

      admin.installModule(MODULE, VERSION, NPM_TIMEOUT);

      assertThat(admin.modules())
          .filteredOn(module -> module.module().equals(MODULE))
          .singleElement()
          .isEqualTo(new NodeModule(MODULE, VERSION, List.of("random")));
      assertThat(docker.readDataFile(name, "package.json"))
          .hasValueSatisfying(
              json -> assertThat(new String(json, StandardCharsets.UTF_8)).contains(MODULE));
    }
  }

  /** The CA bundle host npm uses: the one {@code NODE_EXTRA_CA_CERTS} names, else the system's. */
  private static Path hostCaBundle() {
    String extra = System.getenv(ContainerSpec.NODE_EXTRA_CA_CERTS);
    Path bundle = extra == null || extra.isBlank() ? SYSTEM_CA_BUNDLE : Path.of(extra);
    assertThat(bundle)
        .as("the CA certificates of this machine (NODE_EXTRA_CA_CERTS, else the system bundle)")
        .isRegularFile()
        .isReadable();
    return bundle;
  }
}
