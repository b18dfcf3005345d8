package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.instance.InstanceDockerTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * dev → prod promotions on real Node-RED instances: two approvers, the four-eyes rules on every
 * route (Flowgate's API, /engine-rest task completion, variable overwrites, process modification,
 * expiry), and a failing target that brings both targets back to their backups.
 */
class PromotionDockerTest extends InstanceDockerTestSupport {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Autowired ProcessEngine processEngine;

  private String approver1;
  private String approver2;
  private String bystander;
  private String outsider;

  @Test
  void twoApproversPromoteDevToProdAndEveryBypassIsRefusedAndAudited() throws Exception {
    people();
    String dev = create(withFlows(request("dev-1"), "v1"));
    String prod1 = create(request("prod-1"));
    Map<String, Object> prod2Request = request("prod-2");
    // prod-2 cannot reach an npm registry: harmless until a promotion brings a module
    prod2Request.put(
        "env", List.of(body("name", "npm_config_registry", "value", "http://127.0.0.1:9/")));
    String prod2 = create(prod2Request);
    for (String id : List.of(dev, prod1, prod2)) {
      awaitSettled(id, "running");
    }
    JsonNode pipeline =
        expect(
                post(
                    "/api/v1/applications/" + application + "/pipelines",
                    as(owner),
                    body(
                        "name",
                        "Filling",
                        "stages",
                        List.of(
                            body(
                                "name",
                                "dev",
                                "instances",
                                List.of(dev),
                                "action",
                                "create_snapshot",
                                "protected",
                                false),
                            body(
                                "name",
                                "prod",
                                "instances",
                                List.of(prod1, prod2),
                                "action",
                                "use_latest",
                                "protected",
                                true)))),
                201)
            .json();
    String pipelineId = pipeline.path("id").asText();
    String devStage = pipeline.path("stages").get(0).path("id").asText();

    // the requester asks; the policy wants two approvers; the diff says what changes
    String promotion = promote(pipelineId, devStage);
    JsonNode waiting = awaitState(promotion, "awaiting-approval");
    assertThat(waiting.path("approvalsRequired").asInt()).isEqualTo(2);
    assertThat(waiting.path("diffSummary").asText()).contains("added");
    assertThat(waiting.path("snapshot").path("hash").asText()).hasSize(64);
    String processInstance = waiting.path("processInstanceId").asText();

    // bypass matrix, each refused and audited
    int refusals = refusals(promotion);
    assertThat(approve(owner, promotion).status()).as("requester").isEqualTo(403);
    assertThat(approve(bystander, promotion).status()).as("non-approver").isEqualTo(403);
    assertThat(approve(outsider, promotion).status()).as("other organization").isEqualTo(404);
    assertThat(refusals(promotion)).isEqualTo(refusals + 3);

    expect(approve(approver1, promotion), 200);
    assertThat(approve(approver1, promotion).status()).as("same approver twice").isEqualTo(403);

    String task = openTask(promotion);
    Response byRequester =
        post(
            engineRest() + "/task/" + task + "/complete",
            as(owner),
            engineVariables("decision", "approve"));
    assertThat(byRequester.status())
        .as("requester through /engine-rest: " + byRequester)
        .isEqualTo(403);
    Response byAdmin =
        post(
            engineRest() + "/task/" + task + "/complete",
            admin(),
            engineVariables("decision", "approve"));
    assertThat(byAdmin.status())
        .as("platform admin, not an approver, through /engine-rest: " + byAdmin)
        .isGreaterThanOrEqualTo(400);
    assertThat(byAdmin.body()).contains("Approval refused");

    // variables of a promotion are not written by hand, not even by a platform admin
    assertThat(
            put(
                    engineRest()
                        + "/process-instance/"
                        + processInstance
                        + "/variables/approvalsRequired",
                    admin(),
                    body("value", 0, "type", "Integer"))
                .status())
        .as("overwriting approval variables")
        .isEqualTo(403);
    // nor is the snapshot changed after the first approval: not its variables, not the snapshot
    assertThat(
            put(
                    engineRest()
                        + "/process-instance/"
                        + processInstance
                        + "/variables/snapshotHash",
                    admin(),
                    body("value", "0".repeat(64), "type", "String"))
                .status())
        .as("changing the snapshot after the first approval")
        .isEqualTo(403);
    assertThat(
            delete("/api/v1/snapshots/" + waiting.path("snapshot").path("id").asText(), as(owner))
                .status())
        .isEqualTo(409);
    assertThat(refusals(promotion)).as(refusalReasons(promotion)).isEqualTo(refusals + 8);
    assertThat(get("/api/v1/promotions/" + promotion, as(owner)).json().path("approvals"))
        .hasSize(1);

    // the second approver, through /engine-rest as Tasklist does it
    expect(
        post(
            engineRest() + "/task/" + openTask(promotion) + "/complete",
            as(approver2),
            engineVariables("decision", "approve", "comment", "looks right")),
        204);
    JsonNode completed = awaitState(promotion, "completed");
    assertThat(completed.path("approvals")).hasSize(2);
    for (String prod : List.of(prod1, prod2)) {
      assertThat(hello(prod)).isEqualTo("200 v1");
      assertThat(instance(prod).path("snapshotId").asText())
          .isEqualTo(completed.path("snapshot").path("id").asText());
    }

    // skipping the approvals by process instance modification deploys nothing
    changeHello(dev, "v2");
    String skipped = promote(pipelineId, devStage);
    JsonNode skippedWaiting = awaitState(skipped, "awaiting-approval");
    expect(
        post(
            engineRest()
                + "/process-instance/"
                + skippedWaiting.path("processInstanceId").asText()
                + "/modification",
            admin(),
            body(
                "skipCustomListeners",
                true,
                "instructions",
                List.of(
                    body("type", "cancel", "activityId", "approve"),
                    body("type", "startBeforeActivity", "activityId", "check-approvals")))),
        204);
    JsonNode refused = awaitState(skipped, "failed");
    assertThat(refused.path("stateReason").asText()).contains("Nothing deployed");
    assertThat(audited(skipped, "promotion.bypass-refused")).isPositive();
    assertThat(hello(prod1)).isEqualTo("200 v1");

    // approving after expiry
    String late = promote(pipelineId, devStage);
    awaitState(late, "awaiting-approval");
    jdbc.sql("update flowgate.promotion set expires_at = now() - interval '1 minute' where id = ?")
        .param(late)
        .update();
    JsonNode expired = expect(approve(approver1, late), 403).json();
    assertThat(expired.path("detail").asText()).contains("expired");
    jdbc.sql("update flowgate.promotion set expires_at = now() + interval '1 day' where id = ?")
        .param(late)
        .update();

    // a target that fails brings every target back to its backup
    addModuleNode(dev);
    expect(approve(approver1, late), 200);
    // 'late' resolved its snapshot before the module was added: reject it and ask anew
    expect(
        post(
            "/api/v1/promotions/" + late + "/approvals",
            as(approver2),
            body("decision", "reject", "comment", "superseded by the module change")),
        200);
    assertThat(awaitState(late, "rejected").path("stateReason").asText())
        .contains("superseded by the module change");
    String failing = promote(pipelineId, devStage);
    awaitState(failing, "awaiting-approval");
    expect(approve(approver1, failing), 200);
    expect(approve(approver2, failing), 200);
    JsonNode rolledBack = awaitState(failing, "rolled-back");
    assertThat(rolledBack.path("stateReason").asText()).contains("prod-2");
    for (String prod : List.of(prod1, prod2)) {
      assertThat(hello(prod)).isEqualTo("200 v1");
      assertThat(instance(prod).path("state").asText()).isEqualTo("running");
    }
    assertThat(rolledBack.path("targets"))
        .allSatisfy(target -> assertThat(target.path("state").asText()).isEqualTo("restored"));
  }

  /**
   * The engine's own REST root: the tests name each engine uniquely (several test contexts share
   * one JVM), so the default-engine paths do not find it; production has the one engine "default".
   */
  private String engineRest() {
    return "/engine-rest/engine/" + processEngine.getName();
  }

  private void people() {
    approver1 = createUser(organization, unique("approver"), "member");
    putMember(team, approver1, "member", true);
    approver2 = createUser(organization, unique("approver"), "member");
    putMember(team, approver2, "member", true);
    bystander = createUser(organization, unique("bystander"), "member");
    putMember(team, bystander, "member", false);
    outsider = createUser(createOrganization(unique("Other")), unique("outsider"), "admin");
  }

  private String promote(String pipelineId, String stageId) {
    return expect(
            post(
                "/api/v1/pipelines/" + pipelineId + "/stages/" + stageId + "/promote",
                as(owner),
                body("comment", "new filler logic")),
            202)
        .json()
        .path("promotionId")
        .asText();
  }

  private Response approve(String user, String promotion) {
    return post(
        "/api/v1/promotions/" + promotion + "/approvals",
        as(user),
        body("decision", "approve", "comment", "ok"));
  }

  private JsonNode awaitState(String promotion, String state) {
    return Await.until(
        "promotion " + promotion + " " + state,
        PROVISIONING,
        Duration.ofMillis(250),
        () -> expect(get("/api/v1/promotions/" + promotion, as(owner)), 200).json(),
        json -> {
          String now = json.path("state").asText();
          if (!now.equals(state)
              && List.of("completed", "rejected", "expired", "rolled-back", "failed")
                  .contains(now)) {
            throw new AssertionError("promotion is " + now + ": " + json);
          }
          return now.equals(state);
        });
  }

  private String openTask(String promotion) {
    return get("/api/v1/promotions/" + promotion, as(owner))
        .json()
        .path("openTasks")
        .get(0)
        .asText();
  }

  private String refusalReasons(String promotion) {
    return String.join(
        "\n",
        jdbc.sql(
                "select actor || ': ' || details from flowgate.audit_log"
                    + " where entity_id = ? and action = 'promotion.approval-refused' order by seq")
            .param(promotion)
            .query(String.class)
            .list());
  }

  private int refusals(String promotion) {
    return audited(promotion, "promotion.approval-refused");
  }

  private int audited(String promotion, String action) {
    return jdbc.sql("select count(*) from flowgate.audit_log where entity_id = ? and action = ?")
        .params(promotion, action)
        .query(Integer.class)
        .single();
  }

  private static Map<String, Object> engineVariables(String... namesAndValues) {
    Map<String, Object> variables = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      variables.put(namesAndValues[i], body("value", namesAndValues[i + 1], "type", "String"));
    }
    return body("variables", variables);
  }

  private static Map<String, Object> withFlows(Map<String, Object> request, String answer) {
    request.put("flows", helloFlows(answer));
    return request;
  }

  private static List<Object> helloFlows(String answer) {
    return List.of(
        Map.of("id", "tab.hello", "type", "tab", "label", "Hello"),
        Map.of(
            "id",
            "hello-in",
            "type",
            "http in",
            "z",
            "tab.hello",
            "url",
            "/hello",
            "method",
            "get",
            "x",
            100,
            "y",
            100,
            "wires",
            List.of(List.of("hello-text"))),
        Map.of(
            "id",
            "hello-text",
            "type",
            "change",
            "z",
            "tab.hello",
            "name",
            "answer",
            "rules",
            List.of(Map.of("t", "set", "p", "payload", "pt", "msg", "to", answer, "tot", "str")),
            "x",
            300,
            "y",
            100,
            "wires",
            List.of(List.of("hello-out"))),
        Map.of(
            "id",
            "hello-out",
            "type",
            "http response",
            "z",
            "tab.hello",
            "x",
            500,
            "y",
            100,
            "wires",
            List.of()));
  }

  private void changeHello(String id, String answer) {
    List<JsonNode> flows = new ArrayList<>();
    for (Object node : helloFlows(answer)) {
      flows.add(JSON.valueToTree(node));
    }
    try (NodeRedAdminClient client = adminClient(id)) {
      client.setFlows(flows, null, DeploymentType.FULL);
    }
  }

  /** Installs a module on dev and uses it, so that promoting needs an npm registry. */
  private void addModuleNode(String id) {
    try (NodeRedAdminClient client = adminClient(id)) {
      client.installModule("node-red-node-random", "0.4.1", Duration.ofMinutes(3));
      List<JsonNode> flows = new ArrayList<>(client.getFlows().flows());
      flows.add(
          JSON.createObjectNode()
              .put("id", "dice")
              .put("type", "random")
              .put("z", "tab.hello")
              .put("low", 1)
              .put("high", 6)
              .put("inte", "true")
              .put("property", "payload")
              .put("x", 300)
              .put("y", 200)
              .set("wires", JSON.createArrayNode().add(JSON.createArrayNode())));
      client.setFlows(flows, null, DeploymentType.FULL);
    }
    // use_latest: the next promotion takes a new snapshot of dev
    expect(
        post("/api/v1/instances/" + id + "/snapshots", as(owner), body("name", "with dice")), 201);
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

  private String hello(String id) throws Exception {
    int port = instance(id).path("port").asInt();
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hello"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
