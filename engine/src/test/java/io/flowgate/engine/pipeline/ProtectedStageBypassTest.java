package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The direct routes around a promotion: every way Flowgate's API offers to change an instance or a
 * device group of a protected stage, or the stage itself, tried by each kind of caller (member,
 * owner, organization admin, platform admin, a team API token). Each must be refused with 403 and
 * leave an audit entry; changes that weaken nothing still work. A new route is one line in {@link
 * #routes}.
 */
class ProtectedStageBypassTest extends PipelineTestSupport {

  /** One way in: what it is, and the request it sends. */
  record Route(String name, String method, String path, Object body) {}

  /** The ids a route refers to. */
  record Scene(
      String pipeline,
      JsonNode stages,
      String dev,
      String prod,
      String group,
      String device,
      String otherApplication,
      String otherTeamApprovers) {}

  private String member;
  private String orgAdmin;
  private String token;
  private Scene scene;

  @BeforeEach
  void aProtectedProductionStage() {
    member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    orgAdmin = createUser(organization, unique("orgadmin"), "admin");
    token =
        expect(
                post(
                    "/api/v1/teams/" + team + "/tokens",
                    as(owner),
                    body(
                        "name",
                        "ci",
                        "role",
                        "member",
                        "expiresAt",
                        Instant.now().plus(1, ChronoUnit.DAYS).toString())),
                201)
            .json()
            .path("token")
            .asText();
    String dev = instance("dev-1");
    String prod = instance("prod-1");
    String device =
        expect(
                post(
                    "/api/v1/teams/" + team + "/devices",
                    as(owner),
                    body("name", "gw-1", "type", "gateway", "application", application)),
                201)
            .json()
            .path("device")
            .path("id")
            .asText();
    String group =
        expect(
                post(
                    "/api/v1/applications/" + application + "/device-groups",
                    as(owner),
                    body("name", "line-1", "deviceIds", List.of(device), "env", List.of())),
                201)
            .json()
            .path("id")
            .asText();
    Map<String, Object> prodStage = stage("prod", "use_latest", prod);
    prodStage.put("protected", true);
    prodStage.put("deviceGroups", List.of(group));
    JsonNode created = create(pipeline("Filling", stage("dev", "create_snapshot", dev), prodStage));
    String otherTeam = createTeam(organization, unique("other"));
    scene =
        new Scene(
            created.path("id").asText(),
            created.path("stages"),
            dev,
            prod,
            group,
            device,
            newApplication("Packing"),
            "team-" + otherTeam + "-approvers");
  }

  /** Every route around a promotion, as the given scene makes it. */
  private static List<Route> routes(Scene s) {
    String instance = "/api/v1/instances/" + s.prod();
    String pipeline = "/api/v1/pipelines/" + s.pipeline();
    return List.of(
        new Route("deploy", "POST", instance + "/actions/deploy", body("snapshotId", "any")),
        new Route("rollback", "POST", instance + "/actions/rollback", body("snapshotId", "any")),
        new Route(
            "import",
            "POST",
            instance + "/snapshots/import",
            body("secret", "a-long-enough-secret", "snapshot", body("format", "x"))),
        // the editor of a protected instance reads only: EditorLoginApiTest
        new Route("delete instance", "DELETE", instance, null),
        new Route("unprotect", "PUT", pipeline, edited(s, prod -> prod.put("protected", false))),
        new Route(
            "other approvers",
            "PUT",
            pipeline,
            edited(s, prod -> prod.put("approverGroup", s.otherTeamApprovers()))),
        new Route(
            "instance out", "PUT", pipeline, edited(s, prod -> prod.put("instances", List.of()))),
        new Route(
            "device group out",
            "PUT",
            pipeline,
            edited(s, prod -> prod.put("deviceGroups", List.of()))),
        new Route("stage after", "PUT", pipeline, withStageAfter(s)),
        new Route("stage removed", "PUT", pipeline, onlyDev(s)),
        new Route("delete pipeline", "DELETE", pipeline, null),
        new Route(
            "device target",
            "PUT",
            "/api/v1/devices/" + s.device() + "/target",
            body("snapshotId", null)),
        new Route(
            "device settings",
            "PUT",
            "/api/v1/devices/" + s.device() + "/settings",
            body("env", List.of(body("name", "LINE", "value", "2")))),
        new Route(
            "device to other application",
            "PUT",
            "/api/v1/devices/" + s.device(),
            body("name", "gw-1", "type", "gateway", "application", s.otherApplication())),
        new Route(
            "group env",
            "PUT",
            "/api/v1/device-groups/" + s.group(),
            body(
                "name",
                "line-1",
                "deviceIds",
                List.of(s.device()),
                "env",
                List.of(body("name", "LINE", "value", "2")))),
        new Route(
            "group loses device",
            "PUT",
            "/api/v1/device-groups/" + s.group(),
            body("name", "line-1", "deviceIds", List.of(), "env", List.of())),
        new Route("delete group", "DELETE", "/api/v1/device-groups/" + s.group(), null),
        new Route(
            "rollout by hand",
            "POST",
            "/api/v1/device-groups/" + s.group() + "/rollouts",
            body("snapshotId", "any", "waves", List.of(100))));
  }

  @Test
  void everyRouteAroundAPromotionIsRefusedForEveryCallerAndAudited() {
    Map<String, Auth> callers = new LinkedHashMap<>();
    callers.put("member", as(member));
    callers.put("owner", as(owner));
    callers.put("organization admin", as(orgAdmin));
    callers.put("platform admin", admin());
    callers.put("API token", Auth.bearer(token));
    int refusalsBefore = refusals();
    int attempts = 0;
    List<String> broken = new ArrayList<>();
    for (Route route : routes(scene)) {
      for (Map.Entry<String, Auth> caller : callers.entrySet()) {
        attempts++;
        Response response = sendJson(route.method(), route.path(), caller.getValue(), route.body());
        if (response.status() != 403
            || !"Protected stage".equals(response.json().path("title").asText())) {
          broken.add(route.name() + " as " + caller.getKey() + ": " + response);
        }
      }
    }
    int held = attempts - broken.size();
    System.out.println("bypass attempts: " + attempts + ", held: " + held);
    assertThat(broken).as("routes that were not refused as a protected stage").isEmpty();
    assertThat(refusals() - refusalsBefore).as("audited refusals").isEqualTo(attempts);

    // nothing changed: production is still protected with its instance and group, and exists
    JsonNode prod = expect(get("/api/v1/pipelines/" + scene.pipeline(), as(owner)), 200).json();
    assertThat(prod.path("stages")).hasSize(2);
    assertThat(prod.path("stages").path(1).path("protected").asBoolean()).isTrue();
    assertThat(prod.path("stages").path(1).path("instances").path(0).asText())
        .isEqualTo(scene.prod());
    expect(get("/api/v1/instances/" + scene.prod(), as(owner)), 200);
    expect(get("/api/v1/device-groups/" + scene.group(), as(owner)), 200);
  }

  @Test
  void changesThatWeakenNothingStillWork() {
    String prod2 = instance("prod-2");
    // a new target joins the protected stage, the pipeline gets a new name
    Map<String, Object> changed = edited(scene, prod -> prod.put("instances", both(prod2)));
    changed.put("name", "Filling line 1");
    JsonNode after =
        expect(put("/api/v1/pipelines/" + scene.pipeline(), as(owner), changed), 200).json();
    assertThat(after.path("stages").path(1).path("instances")).hasSize(2);
    // a stage before the protected one is protected too
    Map<String, Object> both = edited(scene, prod -> prod.put("instances", both(prod2)));
    both.put("name", "Filling line 1");
    @SuppressWarnings("unchecked")
    Map<String, Object> dev = ((List<Map<String, Object>>) both.get("stages")).get(0);
    dev.put("protected", true);
    expect(put("/api/v1/pipelines/" + scene.pipeline(), as(owner), both), 200);
    // the new target is protected at once
    Response deploy =
        post(
            "/api/v1/instances/" + prod2 + "/actions/deploy", as(owner), body("snapshotId", "any"));
    assertThat(deploy.status()).isEqualTo(403);
    // an instance of no protected stage is not refused for protection (it still provisions)
    String free = instance("free-1");
    Response freeDeploy =
        post(
            "/api/v1/instances/" + free + "/actions/deploy",
            as(owner),
            body("snapshotId", "unknown"));
    assertThat(freeDeploy.status()).isEqualTo(400);
    assertThat(freeDeploy.json().path("title").asText()).isNotEqualTo("Protected stage");
  }

  private List<String> both(String second) {
    return List.of(scene.prod(), second);
  }

  private int refusals() {
    return count(
        "select count(*) from flowgate.audit_log where action in"
            + " ('protection.change-refused', 'pipeline.change-refused')");
  }

  /** The pipeline's body as it is, with the production stage changed. */
  private static Map<String, Object> edited(Scene s, Consumer<Map<String, Object>> change) {
    List<Map<String, Object>> stages = new ArrayList<>();
    for (JsonNode stage : s.stages()) {
      stages.add(asRequest(stage));
    }
    change.accept(stages.get(1));
    return pipeline("Filling", stages.toArray());
  }

  private static Map<String, Object> withStageAfter(Scene s) {
    Map<String, Object> body = edited(s, prod -> {});
    @SuppressWarnings("unchecked")
    List<Object> stages = (List<Object>) body.get("stages");
    stages.add(stage("after-prod", "use_latest"));
    return body;
  }

  private static Map<String, Object> onlyDev(Scene s) {
    return pipeline("Filling", asRequest(s.stages().path(0)));
  }

  /** A stage as the API shows it, as the body of a PUT that keeps it. */
  private static Map<String, Object> asRequest(JsonNode stage) {
    Function<JsonNode, List<String>> ids =
        array -> {
          List<String> values = new ArrayList<>();
          array.forEach(value -> values.add(value.asText()));
          return values;
        };
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", stage.path("id").asText());
    request.put("name", stage.path("name").asText());
    request.put("action", stage.path("action").asText());
    request.put("protected", stage.path("protected").asBoolean());
    request.put("approverGroup", stage.path("approverGroup").asText());
    request.put("instances", ids.apply(stage.path("instances")));
    request.put("deviceGroups", ids.apply(stage.path("deviceGroups")));
    return request;
  }
}
