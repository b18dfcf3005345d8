package io.flowgate.connectors.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Installing and removing nodes through a real Node-RED, which runs npm against the npm registry:
 * apart from {@link NodeRedAdminClientTest} because it needs the registry and takes seconds.
 */
@RequiresNodeRed
class NodeRedModuleInstallTest {

  /** A tiny module of nodes (one node, no dependencies) from the Node-RED project itself. */
  private static final String MODULE = "node-red-node-random";

  private static final String VERSION = "0.4.1";
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(2);

  private static NodeRedProcess nodeRed;
  private static NodeRedAdminClient admin;

  @BeforeAll
  static void startNodeRed() {
    nodeRed = NodeRedProcess.start();
    admin = new NodeRedAdminClient(nodeRed.baseUrl(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void stopNodeRed() {
    if (admin != null) {
      admin.close();
    }
    if (nodeRed != null) {
      nodeRed.close();
    }
  }

  @Test
  void aModuleIsInstalledListedAndRemovedAndBothMayBeRepeated() throws Exception {
    assertThat(admin.modules()).extracting(NodeModule::module).doesNotContain(MODULE);

    admin.installModule(MODULE, VERSION, NPM_TIMEOUT);

    assertThat(admin.modules())
        .filteredOn(module -> module.module().equals(MODULE))
        .singleElement()
        .isEqualTo(new NodeModule(MODULE, VERSION, List.of("random")));
    assertThat(Files.readString(nodeRed.userDir().resolve("package.json"))).contains(MODULE);

    admin.installModule(MODULE, VERSION, NPM_TIMEOUT); // loaded already: nothing to do
    admin.installModule(MODULE, null, NPM_TIMEOUT); // any version is loaded: the same

    admin.removeModule(MODULE);

    assertThat(admin.modules()).extracting(NodeModule::module).doesNotContain(MODULE);
    admin.removeModule(MODULE); // gone already: nothing to do

    assertThatThrownBy(() -> admin.removeModule("node-red"))
        .as("the core nodes")
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isEqualTo(400));
  }

  @Test
  void aModuleThatNpmDoesNotKnowIsNotFound() {
    String missing = "node-red-contrib-flowgate-no-such-module-" + randomHex();
    assertThatThrownBy(() -> admin.installModule(missing, "1.0.0", NPM_TIMEOUT))
        .isInstanceOf(NodeRedApiException.class)
        .isNotInstanceOf(NodeRedUnreachableException.class)
        .hasMessageContaining("POST /nodes")
        .hasMessageContaining(missing)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isEqualTo(404));
    assertThat(admin.modules()).extracting(NodeModule::module).doesNotContain(missing);
  }

  private static String randomHex() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
