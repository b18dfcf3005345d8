package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedApiException;
import io.flowgate.connectors.testing.RequiresBrowser;
import io.flowgate.engine.testing.BypassRoutes;
import io.flowgate.engine.testing.BypassRoutes.Route;
import io.flowgate.engine.testing.BypassRoutes.Scene;
import io.flowgate.engine.testing.CamundaWebappSession;
import io.flowgate.engine.testing.EngineRoute;
import io.flowgate.engine.testing.PipelineChangeJobs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bypass suite: a protected production instance running real Node-RED, a promotion into it
 * requested with a team API token, and every route around the two signatures tried by every kind of
 * caller (member, owner, organization admin, platform admin, the token) through Flowgate's API,
 * Camunda's engine REST API, the webapps' own API and Tasklist in headless Chromium. Production
 * keeps running what it ran until two approvers other than the token's creator approve; then it
 * runs the promotion's snapshot. Prints {@code bypass attempts: N, held: N}. A new route around a
 * promotion is one line in {@link BypassRoutes}, a new route into the engine one line in {@link
 * EngineRoute}, a new way to approve one {@link Attempts#expect} line below.
 */
@RequiresBrowser
class FourEyesBypassDockerTest extends PromotionTestSupport {

  /** Each attempt and whether it held, for the summary line and the failure message. */
  static final class Attempts {
    private final List<String> broken = new ArrayList<>();
    private int tried;
    private int audited;

    /** An attempt Flowgate refuses itself: the refusal is audited. */
    void expect(String what, Response response, int status) {
      held(what + ": " + response, response.status() == status, true);
    }

    /**
     * An attempt that must fail; {@code audited}: Flowgate (not a firewall, a missing route or
     * Camunda's own login) refused it, so the audit log has it.
     */
    void held(String what, boolean held, boolean audited) {
      tried++;
      if (audited) {
        this.audited++;
      }
      if (!held) {
        broken.add(what);
      }
    }

    int audited() {
      return audited;
    }

    int tried() {
      return tried;
    }

    List<String> broken() {
      return broken;
    }
  }

  @Test
  void productionRunsOnlyWhatTwoApproversApprovedWhicheverRouteIsTried() throws Exception {
    // the owner approves too, and makes the API token the promotion is asked with
    putMember(team, owner, "owner", true);
    String approver1 = createUser(organization, unique("approver"), "member");
    putMember(team, approver1, "member", true);
    String approver2 = createUser(organization, unique("approver"), "member");
    putMember(team, approver2, "member", true);
    String member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    String orgAdmin = createUser(organization, unique("orgadmin"), "admin");
    String token = createApiToken(team, owner, "member");

    String dev = create(withFlows(request("dev"), HelloFlows.answering("v2")));
    String prod = create(withFlows(request("prod"), HelloFlows.answering("v1")));
    // an instance that tries to join production without approvals
    String newcomer = create(request("newcomer"));
    List<String> instances = List.of(dev, prod, newcomer);
    try {
      for (String id : instances) {
        awaitSettled(id, "running");
      }
      assertThat(hello(prod)).isEqualTo("200 v1");
      String device = registerDevice(team, owner, application, "gw-1");
      String group = deviceGroup(owner, application, "line-1", List.of(device));
      String stray = registerDevice(team, owner, application, "gw-2");
      expect(
          put(
              "/api/v1/devices/" + stray + "/settings",
              as(owner),
              body("env", List.of(body("name", "LINE", "value", "9")))),
          200);
      JsonNode pipeline = devToProd(dev, prod, group);

      String promotion =
          expect(
                  promoteFirstStage(
                      pipeline, Auth.bearer(token), body("comment", "v2 for the filler")),
                  202)
              .json()
              .path("promotionId")
              .asText();
      JsonNode waiting = awaitState(promotion, "awaiting-approval");
      assertThat(waiting.path("requestedBy").asText()).as("the token's creator").isEqualTo(owner);
      assertThat(waiting.path("requestedVia").asText()).startsWith("token:");
      String snapshotHash = waiting.path("snapshot").path("hash").asText();
      String otherTeam = createTeam(organization, unique("other"));
      Scene scene =
          new Scene(
              application,
              pipeline.path("id").asText(),
              pipeline.path("stages"),
              prod,
              newcomer,
              group,
              device,
              stray,
              expect(
                      post(
                          "/api/v1/teams/" + team + "/applications",
                          as(owner),
                          body("name", "Packing")),
                      201)
                  .json()
                  .path("id")
                  .asText(),
              "team-" + otherTeam + "-approvers",
              waiting.path("snapshot").path("id").asText());

      Map<String, Auth> callers =
          BypassRoutes.callers(as(member), as(owner), as(orgAdmin), admin(), Auth.bearer(token));
      int auditedBefore = refusalsAudited();
      Attempts attempts = new Attempts();
      for (Route route : BypassRoutes.aroundPromotions(scene)) {
        for (Map.Entry<String, Auth> caller : callers.entrySet()) {
          Response response =
              sendJson(route.method(), route.path(), caller.getValue(), route.body());
          // a change of the stage itself waits for approvals (202): let it expire, unapproved
          attempts.expect(
              route.name() + " as " + caller.getKey(), response, route.weakens() ? 202 : 403);
          if (route.weakens() && response.status() == 202) {
            PipelineChangeJobs.expire(
                processEngine, response.json().path("processInstanceId").asText());
          }
        }
      }

      // the approval itself, by everyone who must not give it
      String approvals = "/api/v1/promotions/" + promotion + "/approvals";
      Map<String, Object> approve = body("decision", "approve", "comment", "ok");
      attempts.expect("approve as the token's creator", post(approvals, as(owner), approve), 403);
      attempts.expect("approve with the token", post(approvals, Auth.bearer(token), approve), 403);
      attempts.expect("approve as a member", post(approvals, as(member), approve), 403);
      attempts.expect("approve as organization admin", post(approvals, as(orgAdmin), approve), 403);
      attempts.expect("approve as platform admin", post(approvals, admin(), approve), 403);
      String task = waiting.path("openTasks").path(0).asText();
      String engineRest = "/engine-rest/engine/" + processEngine.getName();
      Map<String, Object> decision =
          body("variables", body("decision", body("value", "approve", "type", "String")));
      attempts.held(
          "complete the task on /engine-rest as the token's creator",
          post(engineRest + "/task/" + task + "/complete", as(owner), decision).status() >= 400,
          true);
      attempts.held(
          "complete the task on /engine-rest as platform admin",
          post(engineRest + "/task/" + task + "/complete", admin(), decision).status() >= 400,
          true);
      attempts.expect(
          "overwrite approvalsRequired on /engine-rest as platform admin",
          put(
              engineRest
                  + "/process-instance/"
                  + waiting.path("processInstanceId").asText()
                  + "/variables/approvalsRequired",
              admin(),
              body("value", 0, "type", "Integer")),
          403);
      // the Node-RED editor of production: every person gets a read-only login, whose write is
      // refused by Node-RED itself; the token gets none
      for (Map.Entry<String, Auth> caller : callers.entrySet()) {
        Response login =
            get("/api/v1/instances/" + prod + "/editor-credentials", caller.getValue());
        if (caller.getKey().equals("API token")) {
          attempts.expect("editor login with the API token", login, 403);
          continue;
        }
        attempts.held(
            "a read-only editor login as " + caller.getKey() + ": " + login,
            login.status() == 200 && login.json().path("readOnly").asBoolean(),
            false);
        attempts.held(
            "deploying flows in the editor as " + caller.getKey(),
            editorWriteRefused(login.json()),
            false);
      }

      // Camunda's engine REST API and the webapps' own, each row by every person
      String processInstance = waiting.path("processInstanceId").asText();
      String definition =
          processEngine
              .getRuntimeService()
              .createProcessInstanceQuery()
              .processInstanceId(processInstance)
              .singleResult()
              .getProcessDefinitionId();
      String engine = processEngine.getName();
      Map<String, String> people = new LinkedHashMap<>();
      people.put("member", member);
      people.put("owner", owner);
      people.put("organization admin", orgAdmin);
      people.put("platform admin", ADMIN);
      for (Map.Entry<String, String> person : people.entrySet()) {
        String password = ADMIN.equals(person.getValue()) ? ADMIN_PASSWORD : PASSWORD;
        CamundaWebappSession cockpit =
            CamundaWebappSession.login(port, engine, "cockpit", person.getValue(), password);
        EngineRoute.Target target =
            new EngineRoute.Target(engine, processInstance, definition, task);
        for (EngineRoute route : EngineRoute.lockdown()) {
          String path = route.path(target);
          String sent = route.wireBody(target);
          Response response =
              switch (route.via()) {
                case ENGINE_REST ->
                    send(
                        route.method(),
                        path,
                        Auth.basic(person.getValue(), password),
                        route.contentTypeHeader(),
                        sent == null ? null : sent.getBytes(StandardCharsets.UTF_8),
                        true);
                case WEBAPP -> cockpit.send(route.method(), path, route.contentTypeHeader(), sent);
              };
          attempts.held(
              "engine route " + route.name() + " as " + person.getKey() + ": " + response,
              response.status() >= 400,
              ADMIN.equals(person.getValue()) && route.audit() != EngineRoute.Audit.NONE);
        }
      }

      JsonNode inTasklist = tasklist(owner, null, snapshotHash, null, "my own change", null, true);
      attempts.held(
          "complete the task in Tasklist as the token's creator",
          inTasklist.path("completionStatus").asInt() != 204,
          true);

      System.out.println(
          "bypass attempts: "
              + attempts.tried()
              + ", held: "
              + (attempts.tried() - attempts.broken().size()));
      assertThat(attempts.broken()).as("attempts that were not refused").isEmpty();
      assertThat(refusalsAudited() - auditedBefore)
          .as("every refusal is in the audit log")
          .isGreaterThanOrEqualTo(attempts.audited());
      JsonNode after = expect(get("/api/v1/promotions/" + promotion, as(owner)), 200).json();
      assertThat(after.path("state").asText()).isEqualTo("awaiting-approval");
      assertThat(after.path("approvals")).isEmpty();
      assertThat(hello(prod)).as("production runs what it ran").isEqualTo("200 v1");

      // the one way in: two approvers who are not the requester (the device leaves the fleet
      // first, so that the group's rollout has nobody to wait for)
      expect(delete("/api/v1/devices/" + device, as(owner)), 204);
      // the first approval carries more than its decision: what the second approver's form shows
      // still comes from Flowgate's record
      Map<String, Object> forged =
          body(
              "decision", body("value", "approve", "type", "String"),
              "comment", body("value", "ok", "type", "String"),
              "requestedBy", body("value", "nobody", "type", "String"),
              "diffSummary", body("value", "nothing changes", "type", "String"));
      expect(
          post(
              engineRest + "/task/" + task + "/complete", as(approver1), body("variables", forged)),
          204);
      assertThat(processEngine.getRuntimeService().getVariable(processInstance, "requestedBy"))
          .isEqualTo(owner);
      assertThat(processEngine.getRuntimeService().getVariable(processInstance, "diffSummary"))
          .isEqualTo(waiting.path("diffSummary").asText());
      expect(post(approvals, as(approver2), approve), 200);
      JsonNode completed = awaitState(promotion, "completed");
      assertThat(completed.path("approvals"))
          .allSatisfy(a -> assertThat(a.path("approverGrantedBy").asText()).isEqualTo(ADMIN));
      assertThat(hello(prod)).isEqualTo("200 v2");

      // an emergency: back to the last snapshot a promotion brought, with one approver other than
      // the requester; right now there is none before v2
      String rollback = "/api/v1/instances/" + prod + "/actions/emergency-rollback";
      Map<String, Object> why = body("reason", "the filler stops");
      expect(post(rollback, as(member), why), 409);
      changeHello(dev, "v3");
      String third =
          expect(promoteFirstStage(pipeline, as(member), body("comment", "v3")), 202)
              .json()
              .path("promotionId")
              .asText();
      awaitState(third, "awaiting-approval");
      String thirdApprovals = "/api/v1/promotions/" + third + "/approvals";
      expect(post(thirdApprovals, as(approver1), approve), 200);
      expect(post(thirdApprovals, as(approver2), approve), 200);
      awaitState(third, "completed");
      assertThat(hello(prod)).isEqualTo("200 v3");
      String emergency =
          expect(post(rollback, as(member), why), 202).json().path("promotionId").asText();
      JsonNode asked = awaitState(emergency, "awaiting-approval");
      assertThat(asked.path("kind").asText()).isEqualTo("emergency-rollback");
      assertThat(asked.path("approvalsRequired").asInt()).isOne();
      assertThat(asked.path("snapshot").path("id").asText())
          .isEqualTo(completed.path("snapshot").path("id").asText());
      String emergencyApprovals = "/api/v1/promotions/" + emergency + "/approvals";
      expect(post(emergencyApprovals, as(member), approve), 403);
      expect(post(emergencyApprovals, as(approver1), approve), 200);
      awaitState(emergency, "completed");
      assertThat(hello(prod)).as("back on the last approved snapshot").isEqualTo("200 v2");
      assertThat(
              count(
                  "select count(*) from flowgate.audit_log where entity_id = '"
                      + emergency
                      + "' and action = 'promotion.emergency-rollback-requested'"))
          .isOne();
    } finally {
      deleteInstances(instances);
    }
  }

  /**
   * Logs in to the instance's Node-RED with a login from {@code editor-credentials} and tries to
   * deploy an empty flow set with it; true when Node-RED refuses (the login reads only).
   */
  private static boolean editorWriteRefused(JsonNode login) {
    try (NodeRedAdminClient client =
        new NodeRedAdminClient(URI.create(login.path("url").asText()), Duration.ofSeconds(10))) {
      NodeRedAdminClient signedIn =
          client
              .login(
                  login.path("username").asText(),
                  login.path("password").asText(),
                  login.path("permissions").asText())
              .map(client::withToken)
              .orElseThrow();
      signedIn.getFlows();
      try {
        signedIn.setFlows(List.of(), null, DeploymentType.FULL);
        return false;
      } catch (NodeRedApiException refused) {
        return true;
      }
    }
  }

  /** dev (a new snapshot of its instance) → prod (protected, with a device group). */
  private JsonNode devToProd(String dev, String prod, String group) {
    Map<String, Object> prodStage =
        body(
            "name",
            "prod",
            "instances",
            List.of(prod),
            "action",
            "use_latest",
            "protected",
            true,
            "deviceGroups",
            List.of(group));
    return expect(
            post(
                "/api/v1/applications/" + application + "/pipelines",
                as(owner),
                body(
                    "name",
                    "Filling",
                    "stages",
                    List.of(
                        body("name", "dev", "instances", List.of(dev), "action", "create_snapshot"),
                        prodStage))),
            201)
        .json();
  }

  private int refusalsAudited() {
    return count(
        "select count(*) from flowgate.audit_log where action in ('protection.change-refused',"
            + " 'pipeline.change-refused', 'pipeline.change-requested',"
            + " 'promotion.approval-refused', 'engine.command-refused',"
            + " 'engine.task-completion-refused')");
  }
}
