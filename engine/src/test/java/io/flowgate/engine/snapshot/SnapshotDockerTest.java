package io.flowgate.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.instance.CallbackReceiver;
import io.flowgate.engine.instance.InstanceDockerTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Snapshots of real Node-RED instances on Docker: a credential survives the trip to another
 * instance, diffs say exactly what changed, rollback restores, a deploy that stops Node-RED from
 * starting is undone by itself, export and import guard their content, old backups are pruned.
 */
class SnapshotDockerTest extends InstanceDockerTestSupport {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final String EXPORT_SECRET = "export-secret-for-the-test";
  // a small real node module from the npm registry, installed inside the instance
  private static final String RANDOM_MODULE = "node-red-node-random";
  private static final String RANDOM_VERSION = "0.4.1";

  @DynamicPropertySource
  static void fewBackups(DynamicPropertyRegistry registry) {
    registry.add("flowgate.snapshots.auto-kept", () -> "2");
  }

  @Test
  void snapshotsMoveWithTheirCredentialsDiffRollBackAndUndoABadDeploy() throws Exception {
    try (ProtectedEndpoint endpoint = new ProtectedEndpoint();
        CallbackReceiver callbacks = new CallbackReceiver()) {
      Map<String, Object> requestA = request("line-a");
      requestA.put("flows", callingFlows(endpoint.url()));
      requestA.put("env", List.of(body("name", "LINE", "value", "a")));
      String a = create(requestA);
      String b = create(request("line-b"));
      JsonNode instanceA = awaitSettled(a, "running");
      JsonNode instanceB = awaitSettled(b, "running");
      assertThat(call(instanceA, "/call")).isEqualTo("200 " + ProtectedEndpoint.ANSWER);
      assertThat(call(instanceB, "/call")).startsWith("404");

      // a module installed on A, used by a node of its flows
      addRandomNode(a);

      // a snapshot holds the flows and the credential, and never shows the credential
      JsonNode v1 = snapshot(a, "v1");
      assertThat(v1.path("hash").asText()).hasSize(64);
      assertThat(v1.path("nodeCount").asInt()).isEqualTo(5);
      JsonNode content = expect(get(path(v1, "/content"), as(owner)), 200).json();
      assertThat(content.path("nodesWithCredentials")).extracting(JsonNode::asText).contains("req");
      assertThat(content.toString()).doesNotContain(ProtectedEndpoint.PASSWORD);
      assertThat(content.path("modules").path("node-red").asText()).isEqualTo("4.1.8");
      assertThat(content.path("modules").path(RANDOM_MODULE).asText()).isEqualTo(RANDOM_VERSION);
      // taking it again changes nothing: same content, same address
      JsonNode again = snapshot(a, "v1 again");
      assertThat(again.path("hash").asText()).isEqualTo(v1.path("hash").asText());

      // deployed to B, the flows run there and the credential works there
      deploy(b, "deploy", v1.path("id").asText());
      instanceB = awaitSettled(b, "running");
      assertThat(call(instanceB, "/call")).isEqualTo("200 " + ProtectedEndpoint.ANSWER);
      assertThat(instanceB.path("env").toString()).contains("LINE");
      assertThat(instanceB.path("snapshotId").asText()).isEqualTo(v1.path("id").asText());
      try (NodeRedAdminClient client = adminClient(b)) {
        assertThat(client.modules())
            .anySatisfy(module -> assertThat(module.module()).isEqualTo(RANDOM_MODULE));
      }

      // the diff of two snapshots says exactly what changed between them
      changeFlowsOfA(a);
      JsonNode v2 = snapshot(a, "v2");
      JsonNode diff =
          expect(
                  get(
                      "/api/v1/snapshots/"
                          + v1.path("id").asText()
                          + "/diff/"
                          + v2.path("id").asText(),
                      as(owner)),
                  200)
              .json();
      SnapshotDiffAssert.assertExactly(diff);
      JsonNode live =
          expect(
                  get(
                      "/api/v1/instances/" + a + "/diff?snapshot=" + v1.path("id").asText(),
                      as(owner)),
                  200)
              .json();
      SnapshotDiffAssert.assertExactly(live);

      // rollback to v1: the added node is gone, the changed one is back
      deploy(a, "rollback", v1.path("id").asText());
      instanceA = awaitSettled(a, "running");
      assertThat(nodeIds(a)).isEqualTo(ids(v1));
      assertThat(call(instanceA, "/call")).isEqualTo("200 " + ProtectedEndpoint.ANSWER);

      // export and import guard the content and the secret
      ObjectNode export =
          (ObjectNode)
              expect(post(path(v1, "/export"), as(owner), body("secret", EXPORT_SECRET)), 200)
                  .json();
      assertThat(export.toString()).doesNotContain(ProtectedEndpoint.PASSWORD);
      assertThat(importInto(a, "wrong-secret-of-the-test", export).status()).isEqualTo(400);
      ObjectNode tampered = export.deepCopy();
      ((ObjectNode) tampered.path("content").path("flows").get(1)).put("name", "sneaky");
      JsonNode refused = expect(importInto(a, EXPORT_SECRET, tampered), 400).json();
      assertThat(refused.path("detail").asText()).contains("hash");

      // a deploy that keeps Node-RED from starting is undone by itself
      ObjectNode broken = export.deepCopy();
      ObjectNode brokenContent = (ObjectNode) broken.path("content");
      ((ArrayNode) brokenContent.path("env"))
          .addObject()
          .put("name", "NODE_OPTIONS")
          .put("value", "--require=/nonexistent-flowgate-module.js");
      broken.put("hash", CanonicalJson.sha256(CanonicalJson.bytes(brokenContent)));
      JsonNode brokenSnapshot = expect(importInto(a, EXPORT_SECRET, broken), 201).json();
      expect(
          post(
              "/api/v1/instances/" + a + "/actions/rollback",
              as(owner),
              body(
                  "snapshotId",
                  brokenSnapshot.path("id").asText(),
                  "callbackUrl",
                  callbacks.url())),
          202);
      instanceA = awaitSettled(a, "running");
      JsonNode told =
          JSON.readTree(
              Await.until(
                      "the rollback's callback",
                      Duration.ofSeconds(30),
                      Duration.ofMillis(100),
                      callbacks::calls,
                      calls -> !calls.isEmpty())
                  .get(0)
                  .body());
      assertThat(told.path("operation").asText()).isEqualTo("rollback");
      assertThat(told.path("state").asText()).isEqualTo("running");
      assertThat(told.path("reason").asText()).contains("failed and was undone");
      assertThat(told.path("snapshotId").asText()).isEqualTo(brokenSnapshot.path("id").asText());
      assertThat(instanceA.path("stateReason").asText()).contains("failed and was undone");
      assertThat(instanceA.path("lastFailureReason").asText()).contains("failed and was undone");
      assertThat(instanceA.path("env").toString()).doesNotContain("NODE_OPTIONS");
      assertThat(call(instanceA, "/call")).isEqualTo("200 " + ProtectedEndpoint.ANSWER);

      // runtime settings travel too: a new httpNodeRoot restarts Node-RED with it
      ObjectNode rooted = export.deepCopy();
      ObjectNode rootedContent = (ObjectNode) rooted.path("content");
      rootedContent.putObject("settings").put("httpNodeRoot", "/api");
      rooted.put("hash", CanonicalJson.sha256(CanonicalJson.bytes(rootedContent)));
      JsonNode rootedSnapshot = expect(importInto(a, EXPORT_SECRET, rooted), 201).json();
      deploy(a, "rollback", rootedSnapshot.path("id").asText());
      instanceA = awaitSettled(a, "running");
      assertThat(call(instanceA, "/api/call")).isEqualTo("200 " + ProtectedEndpoint.ANSWER);

      // three deploys to A took three backups; two are kept
      List<String> autos = new ArrayList<>();
      for (JsonNode s :
          expect(get("/api/v1/instances/" + a + "/snapshots", as(owner)), 200).json()) {
        if ("auto".equals(s.path("kind").asText())) {
          autos.add(s.path("id").asText());
        }
      }
      assertThat(autos).hasSize(2);

      // a snapshot an instance runs stays; others go
      assertThat(
              delete("/api/v1/snapshots/" + rootedSnapshot.path("id").asText(), as(owner)).status())
          .isEqualTo(409);
      expect(delete("/api/v1/snapshots/" + v2.path("id").asText(), as(owner)), 204);
      assertThat(objects.stat(SnapshotStore.key(v2.path("hash").asText()))).isEmpty();
      // v1 and "v1 again" share their content: deleting one keeps it for the other
      expect(delete("/api/v1/snapshots/" + again.path("id").asText(), as(owner)), 204);
      assertThat(objects.stat(SnapshotStore.key(v1.path("hash").asText()))).isPresent();

      expect(delete("/api/v1/instances/" + a, as(owner)), 202);
      expect(delete("/api/v1/instances/" + b, as(owner)), 202);
      awaitGone(a);
      awaitGone(b);
      // snapshots outlive their instance
      expect(get("/api/v1/snapshots/" + v1.path("id").asText(), as(owner)), 200);
    }
  }

  @Test
  void teamViewersReadSnapshotsMembersChangeThemOthersDoNotSeeThem() {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    String stranger = createUser(organization, unique("stranger"), "member");
    String otherOrganization = createOrganization(unique("Other"));
    String outsider = createUser(otherOrganization, unique("outsider"), "admin");
    String id = create(request("viewed"));
    awaitSettled(id, "running");
    JsonNode snapshot = snapshot(id, "seen by viewers");
    String path = path(snapshot, "");

    assertThat(get(path, as(viewer)).status()).isEqualTo(200);
    assertThat(get(path + "/content", as(viewer)).status()).isEqualTo(200);
    assertThat(get("/api/v1/instances/" + id + "/snapshots", as(viewer)).status()).isEqualTo(200);
    assertThat(
            post("/api/v1/instances/" + id + "/snapshots", as(viewer), body("name", "x")).status())
        .isEqualTo(403);
    assertThat(post(path + "/export", as(viewer), body("secret", EXPORT_SECRET)).status())
        .isEqualTo(403);
    assertThat(
            post(
                    "/api/v1/instances/" + id + "/actions/rollback",
                    as(viewer),
                    body("snapshotId", snapshot.path("id").asText()))
                .status())
        .isEqualTo(403);
    assertThat(delete(path, as(viewer)).status()).isEqualTo(403);
    for (String notInTheTeam : List.of(stranger, outsider)) {
      assertThat(get(path, as(notInTheTeam)).status()).isEqualTo(404);
      assertThat(get(path + "/content", as(notInTheTeam)).status()).isEqualTo(404);
      assertThat(delete(path, as(notInTheTeam)).status()).isEqualTo(404);
    }
    // bad input says what to fix and changes nothing
    assertThat(
            post("/api/v1/instances/" + id + "/snapshots", as(owner), body("name", " ")).status())
        .isEqualTo(400);
    JsonNode missing =
        expect(post("/api/v1/instances/" + id + "/actions/deploy", as(owner), body()), 400).json();
    assertThat(missing.path("detail").asText()).contains("snapshotId");
    assertThat(post(path + "/export", as(owner), body("secret", "short")).status()).isEqualTo(400);
    assertThat(get("/api/v1/instances/" + id + "/snapshots", as(owner)).json()).hasSize(1);
    assertThat(instance(id).path("operation").isMissingNode()).isTrue();

    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
  }

  private JsonNode snapshot(String instanceId, String name) {
    return expect(
            post("/api/v1/instances/" + instanceId + "/snapshots", as(owner), body("name", name)),
            201)
        .json();
  }

  private void deploy(String instanceId, String action, String snapshotId) {
    expect(
        post(
            "/api/v1/instances/" + instanceId + "/actions/" + action,
            as(owner),
            body("snapshotId", snapshotId)),
        202);
  }

  private Response importInto(String instanceId, String secret, JsonNode export) {
    return post(
        "/api/v1/instances/" + instanceId + "/snapshots/import",
        as(owner),
        body("secret", secret, "snapshot", export));
  }

  private static String path(JsonNode snapshot, String suffix) {
    return "/api/v1/snapshots/" + snapshot.path("id").asText() + suffix;
  }

  /** Installs a node module on the instance and adds one of its nodes to the flows. */
  private void addRandomNode(String instanceId) {
    try (NodeRedAdminClient client = adminClient(instanceId)) {
      client.installModule(RANDOM_MODULE, RANDOM_VERSION, Duration.ofMinutes(3));
      List<JsonNode> flows = new ArrayList<>(client.getFlows().flows());
      flows.add(
          JSON.createObjectNode()
              .put("id", "dice")
              .put("type", "random")
              .put("z", "tab.call")
              .put("name", "dice")
              .put("low", 1)
              .put("high", 6)
              .put("inte", "true")
              .put("property", "payload")
              .put("x", 300)
              .put("y", 220)
              .set("wires", JSON.createArrayNode().add(JSON.createArrayNode())));
      client.setFlows(flows, null, DeploymentType.FULL);
    }
  }

  /** Renames the http request node and adds a debug node after it, through the Admin API. */
  private void changeFlowsOfA(String a) {
    try (NodeRedAdminClient client = adminClient(a)) {
      List<JsonNode> flows = new ArrayList<>();
      for (JsonNode node : client.getFlows().flows()) {
        ObjectNode copy = (ObjectNode) node.deepCopy();
        if ("req".equals(copy.path("id").asText())) {
          copy.put("name", "call the plant");
          ((ArrayNode) copy.path("wires").get(0)).add("dbg");
        }
        flows.add(copy);
      }
      flows.add(
          JSON.createObjectNode()
              .put("id", "dbg")
              .put("type", "debug")
              .put("z", "tab.call")
              .put("name", "show answer")
              .put("active", true)
              .put("complete", "payload")
              .put("x", 500)
              .put("y", 160)
              .set("wires", JSON.createArrayNode()));
      client.setFlows(flows, null, DeploymentType.FULL);
    }
  }

  private NodeRedAdminClient adminClient(String id) {
    JsonNode login =
        expect(get("/api/v1/instances/" + id + "/editor-credentials", as(owner)), 200).json();
    NodeRedAdminClient client =
        new NodeRedAdminClient(URI.create(login.path("url").asText()), Duration.ofSeconds(10));
    return client
        .login(login.path("username").asText(), login.path("password").asText())
        .map(client::withToken)
        .orElse(client);
  }

  private Set<String> nodeIds(String instanceId) {
    Set<String> ids = new HashSet<>();
    try (NodeRedAdminClient client = adminClient(instanceId)) {
      client.getFlows().flows().forEach(node -> ids.add(node.path("id").asText()));
    }
    return ids;
  }

  private Set<String> ids(JsonNode snapshot) {
    Set<String> ids = new HashSet<>();
    expect(get(path(snapshot, "/content"), as(owner)), 200)
        .json()
        .path("flows")
        .forEach(node -> ids.add(node.path("id").asText()));
    return ids;
  }

  /** Status and body of a GET to the instance's own HTTP endpoints. */
  private static String call(JsonNode instance, String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://localhost:" + instance.path("port").asInt() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  /** http in GET /call → http request with basic-auth credentials → http response. */
  private static List<Object> callingFlows(String url) {
    return List.of(
        Map.of("id", "tab.call", "type", "tab", "label", "Call the plant"),
        Map.of(
            "id",
            "in",
            "type",
            "http in",
            "z",
            "tab.call",
            "url",
            "/call",
            "method",
            "get",
            "x",
            100,
            "y",
            100,
            "wires",
            List.of(List.of("req"))),
        Map.ofEntries(
            Map.entry("id", "req"),
            Map.entry("type", "http request"),
            Map.entry("z", "tab.call"),
            Map.entry("name", "call protected"),
            Map.entry("method", "GET"),
            Map.entry("ret", "txt"),
            Map.entry("url", url),
            Map.entry("authType", "basic"),
            Map.entry("x", 300),
            Map.entry("y", 100),
            Map.entry("wires", List.of(List.of("res"))),
            Map.entry(
                "credentials",
                Map.of("user", ProtectedEndpoint.USER, "password", ProtectedEndpoint.PASSWORD))),
        Map.of(
            "id",
            "res",
            "type",
            "http response",
            "z",
            "tab.call",
            "x",
            500,
            "y",
            100,
            "wires",
            List.of()));
  }
}
