package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.callback.CallbackSender;
import io.flowgate.engine.instance.CallbackReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * dev → prod promotions on real Node-RED instances: two approvers, the four-eyes rules on every
 * route (Flowgate's API, /engine-rest task completion, variable overwrites, process modification,
 * expiry), and a failing target that brings both targets back to their backups.
 */
class PromotionDockerTest extends PromotionTestSupport {

  private String approver1;
  private String approver2;
  private String bystander;
  private String outsider;

  @Test
  void twoApproversPromoteDevToProdAndEveryBypassIsRefusedAndAudited() throws Exception {
    try (CallbackReceiver callbacks = new CallbackReceiver()) {
      promoteAndTryEveryBypass(callbacks);
    }
  }

  private void promoteAndTryEveryBypass(CallbackReceiver callbacks) throws Exception {
    people();
    String dev = create(withFlows(request("dev-1"), HelloFlows.answering("v1")));
    String prod1 = create(request("prod-1"));
    Map<String, Object> prod2Request = request("prod-2");
    // prod-2 cannot reach an npm registry: harmless until a promotion brings a module
    prod2Request.put(
        "env", List.of(body("name", "npm_config_registry", "value", "http://127.0.0.1:9/")));
    String prod2 = create(prod2Request);
    for (String id : List.of(dev, prod1, prod2)) {
      awaitSettled(id, "running");
    }
    JsonNode pipeline = devToProd(dev, List.of(prod1, prod2));

    // the requester asks; the policy wants two approvers; the diff says what changes
    String promotion =
        promoteFirstStage(
            pipeline, body("comment", "new filler logic", "callbackUrl", callbacks.url()));
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
    // the requester hears the outcome, signed with the team's callback secret
    CallbackReceiver.Call told =
        Await.until(
                "the promotion's callback",
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                callbacks::calls,
                calls -> !calls.isEmpty())
            .get(0);
    assertThat(told.body()).contains("\"state\":\"completed\"").contains(promotion);
    String secret =
        expect(get("/api/v1/teams/" + team + "/callback-secret", as(owner)), 200)
            .json()
            .path("secret")
            .asText();
    assertThat(told.signature())
        .isEqualTo(
            "sha256=" + CallbackSender.sign(secret, told.body().getBytes(StandardCharsets.UTF_8)));
    for (String prod : List.of(prod1, prod2)) {
      assertThat(hello(prod)).isEqualTo("200 v1");
      assertThat(instance(prod).path("snapshotId").asText())
          .isEqualTo(completed.path("snapshot").path("id").asText());
    }

    // skipping the approvals by process instance modification is refused on /engine-rest, and
    // one that got past anyway (here: through the Java API, as no outside route can) deploys
    // nothing
    changeHello(dev, "v2");
    String skipped = promoteFirstStage(pipeline, body("comment", "new filler logic"));
    JsonNode skippedWaiting = awaitState(skipped, "awaiting-approval");
    String skippedProcess = skippedWaiting.path("processInstanceId").asText();
    assertThat(
            post(
                    engineRest() + "/process-instance/" + skippedProcess + "/modification",
                    admin(),
                    body(
                        "skipCustomListeners",
                        true,
                        "instructions",
                        List.of(
                            body("type", "cancel", "activityId", "approve"),
                            body("type", "startBeforeActivity", "activityId", "check-approvals"))))
                .status())
        .isEqualTo(403);
    processEngine
        .getRuntimeService()
        .createProcessInstanceModification(skippedProcess)
        .cancelAllForActivity("approve")
        .startBeforeActivity("check-approvals")
        .execute(true, false);
    JsonNode refused = awaitState(skipped, "failed");
    assertThat(refused.path("stateReason").asText()).contains("Nothing deployed");
    assertThat(audited(skipped, "promotion.bypass-refused")).isPositive();
    assertThat(hello(prod1)).isEqualTo("200 v1");

    // approving after expiry
    String late = promoteFirstStage(pipeline, body("comment", "new filler logic"));
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
    // dev now uses a module: promoting it needs an npm registry, which prod-2 cannot reach
    addRandomNode(dev, "tab.hello");
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
    String failing = promoteFirstStage(pipeline, body("comment", "new filler logic"));
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

  private Response approve(String user, String promotion) {
    return post(
        "/api/v1/promotions/" + promotion + "/approvals",
        as(user),
        body("decision", "approve", "comment", "ok"));
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
                    + " where entity_id = ? and action in ('promotion.approval-refused',"
                    + " 'engine.command-refused', 'engine.task-completion-refused') order by seq")
            .param(promotion)
            .query(String.class)
            .list());
  }

  /** Refusals of the four-eyes listener and of the engine on an outside route. */
  private int refusals(String promotion) {
    return audited(promotion, "promotion.approval-refused")
        + audited(promotion, "engine.command-refused")
        + audited(promotion, "engine.task-completion-refused");
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
}
