package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.BypassRoutes;
import io.flowgate.engine.testing.BypassRoutes.Route;
import io.flowgate.engine.testing.BypassRoutes.Scene;
import io.flowgate.engine.testing.PipelineChangeJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The direct routes around a promotion: every way Flowgate's API offers to change an instance or a
 * device group of a protected stage, or the stage itself, tried by each kind of caller (member,
 * owner, organization admin, platform admin, a team API token). Each must be refused with 403 and
 * leave an audit entry, except a change of the stage itself, which answers 202 with a pipeline
 * change that waits for a promotion's approvals and changes nothing yet (each is let expire before
 * the next); changes that weaken nothing still work. A new route is one line in {@link
 * BypassRoutes#aroundPromotions}.
 */
class ProtectedStageBypassTest extends PipelineTestSupport {

  @Autowired ProcessEngine engine;

  private String member;
  private String orgAdmin;
  private String token;
  private Scene scene;
  private String dev;

  @BeforeEach
  void aProtectedProductionStage() {
    member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    orgAdmin = createUser(organization, unique("orgadmin"), "admin");
    token = createApiToken(team, owner, "member");
    dev = instance("dev-1");
    String prod = instance("prod-1");
    String device = registerDevice(team, owner, application, "gw-1");
    String group = deviceGroup(owner, application, "line-1", List.of(device));
    String stray = registerDevice(team, owner, application, "gw-2");
    expect(
        put(
            "/api/v1/devices/" + stray + "/settings",
            as(owner),
            body("env", List.of(body("name", "LINE", "value", "9")))),
        200);
    Map<String, Object> prodStage = stage("prod", "use_latest", prod);
    prodStage.put("protected", true);
    prodStage.put("deviceGroups", List.of(group));
    JsonNode created = create(pipeline("Filling", stage("dev", "create_snapshot", dev), prodStage));
    String otherTeam = createTeam(organization, unique("other"));
    // a promotion into production under way: from now on the stage binds whoever edits the
    // pipeline (before it, the stage is being set up and may be corrected)
    expect(promoteFirstStage(created, as(owner), body("comment", "first release")), 202);
    scene =
        new Scene(
            application,
            created.path("id").asText(),
            created.path("stages"),
            prod,
            instance("newcomer"),
            group,
            device,
            stray,
            newApplication("Packing"),
            "team-" + otherTeam + "-approvers",
            "any");
  }

  @Test
  void everyRouteAroundAPromotionIsRefusedForEveryCallerAndAudited() {
    Map<String, Auth> callers =
        BypassRoutes.callers(as(member), as(owner), as(orgAdmin), admin(), Auth.bearer(token));
    int refusalsBefore = refusals();
    int requestedBefore = changesRequested();
    int attempts = 0;
    int waiting = 0;
    List<String> broken = new ArrayList<>();
    for (Route route : BypassRoutes.aroundPromotions(scene)) {
      for (Map.Entry<String, Auth> caller : callers.entrySet()) {
        attempts++;
        Response response = sendJson(route.method(), route.path(), caller.getValue(), route.body());
        String attempt = route.name() + " as " + caller.getKey() + ": " + response;
        if (route.weakens()) {
          waiting++;
          if (response.status() != 202
              || !"awaiting-approval".equals(response.json().path("state").asText())) {
            broken.add(attempt);
          } else {
            if (!productionAsItWas()) {
              broken.add(attempt + " (changed before any approval)");
            }
            PipelineChangeJobs.expire(engine, response.json().path("processInstanceId").asText());
          }
        } else if (response.status() != 403
            || !"Protected stage".equals(response.json().path("title").asText())) {
          broken.add(attempt);
        }
      }
    }
    int held = attempts - broken.size();
    System.out.println("bypass attempts: " + attempts + ", held: " + held);
    assertThat(broken).as("routes that were not refused as a protected stage").isEmpty();
    assertThat(refusals() - refusalsBefore).as("audited refusals").isEqualTo(attempts - waiting);
    assertThat(changesRequested() - requestedBefore)
        .as("audited pipeline changes waiting for approvals")
        .isEqualTo(waiting);
    assertThat(productionAsItWas()).as("production unchanged").isTrue();
    expect(get("/api/v1/instances/" + scene.prod(), as(owner)), 200);
    expect(get("/api/v1/device-groups/" + scene.group(), as(owner)), 200);
  }

  /** Production is still protected, with its instance and group, the last of two stages. */
  private boolean productionAsItWas() {
    Response pipeline = get("/api/v1/pipelines/" + scene.pipeline(), as(owner));
    if (pipeline.status() != 200) {
      return false;
    }
    JsonNode stages = pipeline.json().path("stages");
    JsonNode prod = stages.path(1);
    return stages.size() == 2
        && prod.path("protected").asBoolean()
        && prod.path("approverGroup")
            .asText()
            .equals(scene.stages().path(1).path("approverGroup").asText())
        && prod.path("instances").size() == 1
        && prod.path("instances").path(0).asText().equals(scene.prod())
        && prod.path("deviceGroups").size() == 1
        && prod.path("deviceGroups").path(0).asText().equals(scene.group());
  }

  private int changesRequested() {
    return count(
        "select count(*) from flowgate.audit_log where action = 'pipeline.change-requested'");
  }

  @Test
  void anInstanceWithTheSharedLoginOfBeforeIsProtectedOnlyOnceItsLoginIsRenewed() {
    String legacy = instance("legacy-1");
    // as instances made before personal editor logins are recorded
    jdbc.sql("update flowgate.instance set editor_user = 'admin' where id = ?")
        .param(legacy)
        .update();
    Map<String, Object> prodStage = stage("prod", "use_latest", legacy);
    prodStage.put("protected", true);
    Response refused =
        post(
            pipelines(application),
            as(owner),
            pipeline("Legacy", stage("dev", "create_snapshot", instance("dev-3")), prodStage));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().path("detail").asText()).contains("suspend and start");
  }

  @Test
  void aProtectedStageIsSetUpFreelyUntilTheFirstPromotionIntoIt() {
    String dev = instance("dev-2");
    String prod = instance("prod-3");
    Map<String, Object> prodStage = stage("prod", "use_latest", prod);
    prodStage.put("protected", true);
    JsonNode created = create(pipeline("Packing", stage("dev", "create_snapshot", dev), prodStage));
    String id = created.path("id").asText();
    // while the stage targets it, the instance is protected at once
    Response deploy =
        post("/api/v1/instances/" + prod + "/actions/deploy", as(owner), body("snapshotId", "any"));
    assertThat(deploy.status()).isEqualTo(403);
    Map<String, Object> corrected = pipeline("Packing", stage("dev", "create_snapshot", dev));
    @SuppressWarnings("unchecked")
    List<Object> stages = (List<Object>) corrected.get("stages");
    stages.set(0, BypassRoutes.asRequest(created.path("stages").path(0)));
    expect(put("/api/v1/pipelines/" + id, as(owner), corrected), 200);
    expect(delete("/api/v1/pipelines/" + id, as(owner)), 204);
  }

  @Test
  void changesThatWeakenNothingStillWork() {
    // a new name for the pipeline and its production stage, another action, dev protected too
    Map<String, Object> changed =
        BypassRoutes.edited(
            scene,
            prod -> {
              prod.put("name", "production");
              prod.put("action", "prompt");
            });
    changed.put("name", "Filling line 1");
    @SuppressWarnings("unchecked")
    Map<String, Object> devStage = ((List<Map<String, Object>>) changed.get("stages")).get(0);
    devStage.put("protected", true);
    JsonNode after =
        expect(put("/api/v1/pipelines/" + scene.pipeline(), as(owner), changed), 200).json();
    assertThat(after.path("stages").path(1).path("name").asText()).isEqualTo("production");
    assertThat(after.path("stages").path(0).path("protected").asBoolean()).isTrue();
    // dev is protected at once
    Response deploy =
        post("/api/v1/instances/" + dev + "/actions/deploy", as(owner), body("snapshotId", "any"));
    assertThat(deploy.status()).isEqualTo(403);
    // an instance of no protected stage is not refused for protection (it still provisions)
    Response freeDeploy =
        post(
            "/api/v1/instances/" + scene.newcomer() + "/actions/deploy",
            as(owner),
            body("snapshotId", "unknown"));
    assertThat(freeDeploy.status()).isEqualTo(400);
    assertThat(freeDeploy.json().path("title").asText()).isNotEqualTo("Protected stage");
  }

  private int refusals() {
    return count(
        "select count(*) from flowgate.audit_log where action in"
            + " ('protection.change-refused', 'pipeline.change-refused')");
  }
}
