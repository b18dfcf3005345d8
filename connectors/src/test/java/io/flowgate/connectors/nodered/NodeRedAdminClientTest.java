package io.flowgate.connectors.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.ExampleFlows;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link NodeRedAdminClient} against a real Node-RED with adminAuth. */
@RequiresNodeRed
class NodeRedAdminClientTest {

  private static final String PASSWORD = "flowgate-test-password";
  // bcryptjs.hashSync(PASSWORD, 8), made with the bcryptjs inside node-red's node_modules
  private static final String PASSWORD_HASH =
      "$2b$08$SuEOW9QFlpUkbREHcKZcj.6alveuPOWhCado5DRhqs.7E5giQYML6";

  private static final String SETTINGS =
      """
      module.exports = {
          flowFile: 'flows.json',
          credentialSecret: 'flowgate-test-only',
          telemetry: { enabled: false, updateNotification: false },
          logging: { console: { level: 'info', metrics: false, audit: false } },
          adminAuth: {
              type: 'credentials',
              users: [
                  { username: 'flowgate', password: '%s', permissions: '*' },
                  { username: 'viewer', password: '%s', permissions: 'read' }
              ]
          }
      };
      """
          .formatted(PASSWORD_HASH, PASSWORD_HASH);

  private static NodeRedProcess nodeRed;
  private static NodeRedAdminClient anonymous;
  private static NodeRedAdminClient admin;

  @BeforeAll
  static void startNodeRed() {
    nodeRed = NodeRedProcess.start(SETTINGS);
    anonymous = new NodeRedAdminClient(nodeRed.baseUrl(), Duration.ofSeconds(10));
    admin = anonymous.withToken(anonymous.login("flowgate", PASSWORD).orElseThrow());
  }

  @AfterAll
  static void stopNodeRed() {
    if (anonymous != null) {
      anonymous.close();
    }
    if (nodeRed != null) {
      nodeRed.close();
    }
  }

  @Test
  void loginGivesATokenThatOpensTheAdminApi() {
    assertThatThrownBy(anonymous::getFlows)
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isEqualTo(401));

    AdminToken token = anonymous.login("flowgate", PASSWORD).orElseThrow();

    assertThat(token.tokenType()).isEqualToIgnoringCase("Bearer");
    assertThat(token.expiresAt()).isAfter(Instant.now().plus(Duration.ofHours(1)));
    assertThat(token.toString()).doesNotContain(token.accessToken());
    FlowsState flows = anonymous.withToken(token).getFlows();
    assertThat(flows.rev()).isNotBlank();
  }

  @Test
  void aWrongPasswordIsRefusedWithoutEchoingIt() {
    String wrong = "not-the-password-" + System.nanoTime();

    assertThatThrownBy(() -> anonymous.login("flowgate", wrong))
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(
            e -> {
              assertThat(((NodeRedApiException) e).status()).isIn(401, 403);
              assertThat(e.getMessage()).contains("/auth/token").doesNotContain(wrong);
            });
  }

  @Test
  void realExampleFlowsDeployAndServeTheirEndpoints() throws Exception {
    FlowsState before = admin.getFlows();
    List<JsonNode> flows = new ArrayList<>();
    flows.addAll(ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.hello", "HTTP endpoint"));
    flows.addAll(ExampleFlows.onTab(ExampleFlows.HTTP_URL_PARAMETERS, "tab.params", "URL params"));

    String rev = admin.setFlows(flows, before.rev(), DeploymentType.FULL);

    assertThat(rev).isNotBlank().isNotEqualTo(before.rev());
    FlowsState after = admin.getFlows();
    assertThat(after.rev()).isEqualTo(rev);
    assertThat(after.flows())
        .extracting(node -> node.path("id").asText())
        .containsExactlyInAnyOrderElementsOf(
            flows.stream().map(n -> n.path("id").asText()).toList());
    assertThat(after.flows())
        .filteredOn(node -> "http in".equals(node.path("type").asText()))
        .extracting(node -> node.path("url").asText())
        .containsExactlyInAnyOrder("/hello", "/hello-param/:name");

    // The flows run: their HTTP endpoints answer.
    awaitServed("hello", "<h1>Hello World!</h1>");
    awaitServed("hello-param/Flowgate", "<h1>Hello Flowgate!</h1>");
  }

  @Test
  void aStaleRevisionIsAConflictAndChangesNothing() {
    String base = admin.getFlows().rev();
    List<JsonNode> first = ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.first", "First");
    List<JsonNode> second =
        ExampleFlows.onTab(ExampleFlows.HTTP_URL_PARAMETERS, "tab.second", "Second");
    String current = admin.setFlows(first, base, DeploymentType.FULL);

    assertThatThrownBy(() -> admin.setFlows(second, base, DeploymentType.FULL))
        .isInstanceOf(FlowsConflictException.class)
        .satisfies(
            e -> {
              FlowsConflictException conflict = (FlowsConflictException) e;
              assertThat(conflict.status()).isEqualTo(409);
              assertThat(conflict.staleRev()).isEqualTo(base);
              assertThat(conflict.bodySummary()).contains("version_mismatch");
            });

    FlowsState state = admin.getFlows();
    assertThat(state.rev()).isEqualTo(current);
    assertThat(state.flows())
        .extracting(n -> n.path("id").asText())
        .contains("tab.first")
        .doesNotContain("tab.second");
  }

  @Test
  void aNodesDeploymentRestartsOnlyTheChangedNodes() throws Exception {
    List<JsonNode> flows = ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.nodes", "Nodes");
    String rev = admin.setFlows(flows, null, DeploymentType.FULL);
    ObjectNode template =
        (ObjectNode)
            flows.stream()
                .filter(n -> "template".equals(n.path("type").asText()))
                .findFirst()
                .orElseThrow();
    template.put("template", "<h1>Hello from a nodes deployment</h1>");
    int logLength = nodeRed.log().length();

    String next = admin.setFlows(flows, rev, DeploymentType.NODES);

    assertThat(next).isNotEqualTo(rev);
    awaitServed("hello", "Hello from a nodes deployment");
    String deployLog =
        Await.until(
            "Node-RED to log the deployment",
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            () -> nodeRed.log().substring(logLength),
            text -> text.contains("Started modified nodes"));
    assertThat(deployLog).contains("Stopping modified nodes").doesNotContain("Stopping flows");
  }

  @Test
  void aReloadRestartsTheStoredFlowsAndKeepsTheirRevision() {
    String rev =
        admin.setFlows(
            ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.reload", "Reload"),
            null,
            DeploymentType.FULL);
    int logLength = nodeRed.log().length();

    String reloaded = admin.setFlows(List.of(), null, DeploymentType.RELOAD);

    assertThat(reloaded).isEqualTo(rev);
    assertThat(admin.getFlows().flows())
        .extracting(n -> n.path("id").asText())
        .contains("tab.reload");
    Await.until(
        "Node-RED to restart its flows",
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        () -> nodeRed.log().substring(logLength),
        text -> text.contains("Started flows"));
  }

  @Test
  void settingsDescribeTheRuntime() {
    JsonNode settings = admin.settings();

    assertThat(settings.path("version").asText()).isEqualTo("4.1.8");
    assertThat(settings.path("httpNodeRoot").asText()).isEqualTo("/");
  }

  @Test
  void modulesListNodeRedItselfWithItsCoreTypes() {
    List<NodeModule> modules = admin.modules();

    assertThat(modules).extracting(NodeModule::module).doesNotHaveDuplicates().contains("node-red");
    NodeModule core =
        modules.stream().filter(m -> m.module().equals("node-red")).findFirst().orElseThrow();
    assertThat(core.version()).isEqualTo("4.1.8");
    assertThat(core.types())
        .contains("inject", "debug", "function", "http in", "http request", "link in", "link out")
        .doesNotHaveDuplicates();
    assertThatThrownBy(anonymous::modules)
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isEqualTo(401));
  }

  @Test
  void moduleNamesAndVersionsThatNpmWouldNotTakeNeverLeave() {
    // Node-RED puts both into a shell command line.
    for (String name :
        List.of("", "node-red-x; rm -rf ~", "../x", "a/b", "@scope", "@scope/", ".hidden", "a b")) {
      assertThatThrownBy(() -> admin.installModule(name, null, Duration.ofSeconds(5)))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> admin.removeModule(name))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String version : List.of("", "1.0.0 <2", "1.0.0;id", "$(id)", "1.0.0&&x", ">1")) {
      assertThatThrownBy(
              () -> admin.installModule("node-red-node-random", version, Duration.ofSeconds(5)))
          .as(version)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aReadOnlyUserReadsButCannotDeploy() {
    // Node-RED refuses a token scope wider than the user's permissions.
    assertThatThrownBy(() -> anonymous.login("viewer", PASSWORD))
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isEqualTo(403));
    NodeRedAdminClient viewer =
        anonymous.withToken(anonymous.login("viewer", PASSWORD, "read").orElseThrow());
    FlowsState flows = viewer.getFlows();

    assertThatThrownBy(() -> viewer.setFlows(flows.flows(), flows.rev(), DeploymentType.FULL))
        .isInstanceOf(NodeRedApiException.class)
        .isNotInstanceOf(FlowsConflictException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isIn(401, 403))
        .hasMessageContaining("POST /flows");
    assertThat(admin.getFlows().rev()).isEqualTo(flows.rev());
    assertThat(viewer.modules()).extracting(NodeModule::module).contains("node-red");
    assertThatThrownBy(
            () -> viewer.installModule("node-red-node-random", "0.4.1", Duration.ofSeconds(10)))
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isIn(401, 403))
        .hasMessageContaining("POST /nodes");
    assertThatThrownBy(() -> viewer.removeModule("node-red-node-random"))
        .isInstanceOf(NodeRedApiException.class)
        .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isIn(401, 403));
  }

  @Test
  void anInstanceWithoutAdminAuthNeedsNoLogin() {
    try (NodeRedProcess open = NodeRedProcess.start();
        NodeRedAdminClient client =
            new NodeRedAdminClient(open.baseUrl(), Duration.ofSeconds(10))) {
      assertThat(client.login("anyone", "anything")).isEmpty();

      FlowsState flows = client.getFlows();
      String rev =
          client.setFlows(
              ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.open", "Open"),
              flows.rev(),
              DeploymentType.FULL);
      assertThat(client.getFlows().rev()).isEqualTo(rev);
    }
  }

  @Test
  void anUnreachableInstanceIsReportedAsSuch() {
    URI nowhere = URI.create("http://127.0.0.1:" + FreePort.find() + "/");
    try (NodeRedAdminClient client = new NodeRedAdminClient(nowhere, Duration.ofSeconds(2))) {
      assertThatThrownBy(client::getFlows)
          .isInstanceOf(NodeRedUnreachableException.class)
          .hasMessageContaining(nowhere.toString())
          .satisfies(e -> assertThat(((NodeRedApiException) e).status()).isZero());
      assertThatThrownBy(client::modules).isInstanceOf(NodeRedUnreachableException.class);
      assertThatThrownBy(
              () -> client.installModule("node-red-node-random", null, Duration.ofSeconds(2)))
          .isInstanceOf(NodeRedUnreachableException.class);
      assertThatThrownBy(() -> client.removeModule("node-red-node-random"))
          .isInstanceOf(NodeRedUnreachableException.class);
    }
  }

  /**
   * Polls the page until it contains {@code expected}. Right after a deployment the flows (and
   * their HTTP routes) are still starting, and a request in that window may hang: each try has a
   * short timeout and a failed one is simply repeated.
   */
  private static void awaitServed(String path, String expected) {
    Await.until(
        "GET /" + path + " to serve " + expected,
        Duration.ofSeconds(20),
        Duration.ofMillis(200),
        () -> httpGetOrEmpty(path),
        body -> body.contains(expected));
  }

  private static String httpGetOrEmpty(String path) {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpRequest request =
          HttpRequest.newBuilder(nodeRed.baseUrl().resolve(path))
              .timeout(Duration.ofSeconds(2))
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
