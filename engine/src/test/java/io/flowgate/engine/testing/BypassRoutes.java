package io.flowgate.engine.testing;

import static io.flowgate.engine.testing.ApiTestSupport.body;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The routes around a promotion that the bypass suites try against a protected production stage:
 * every way Flowgate's API offers to change its instances, device groups or the stage itself. A new
 * route is one line in {@link #aroundPromotions}.
 */
public final class BypassRoutes {

  private BypassRoutes() {}

  /**
   * One way in: what it is, and the request it sends.
   *
   * @param weakens whether it is a change of the protected stage itself, which is not refused but
   *     waits for the approvals of a promotion into the stage (202, nothing changed yet)
   */
  public record Route(String name, String method, String path, Object body, boolean weakens) {

    Route(String name, String method, String path, Object body) {
      this(name, method, path, body, false);
    }

    /** A change of the protected stage: it waits for approvals instead of being refused. */
    static Route weakening(String name, String method, String path, Object body) {
      return new Route(name, method, path, body, true);
    }
  }

  /**
   * What the routes aim at.
   *
   * @param stages the pipeline's stages as the API shows them: dev, then the protected prod
   * @param snapshot a snapshot a deploy would put on prod (a real one where prod runs Node-RED)
   * @param otherTeamApprovers the approvers group of another team of the organization
   * @param newcomer an instance of the application in no stage
   * @param strayDevice a device of the application in no group, with env of its own
   */
  public record Scene(
      String application,
      String pipeline,
      JsonNode stages,
      String prod,
      String newcomer,
      String group,
      String device,
      String strayDevice,
      String otherApplication,
      String otherTeamApprovers,
      String snapshot) {}

  /** The kinds of caller every route is tried by, by name. */
  public static Map<String, ApiTestSupport.Auth> callers(
      ApiTestSupport.Auth member,
      ApiTestSupport.Auth owner,
      ApiTestSupport.Auth organizationAdmin,
      ApiTestSupport.Auth platformAdmin,
      ApiTestSupport.Auth apiToken) {
    Map<String, ApiTestSupport.Auth> callers = new LinkedHashMap<>();
    callers.put("member", member);
    callers.put("owner", owner);
    callers.put("organization admin", organizationAdmin);
    callers.put("platform admin", platformAdmin);
    callers.put("API token", apiToken);
    return callers;
  }

  /** Every route around a promotion, as the scene makes it. */
  public static List<Route> aroundPromotions(Scene s) {
    String instance = "/api/v1/instances/" + s.prod();
    String pipeline = "/api/v1/pipelines/" + s.pipeline();
    String device = "/api/v1/devices/" + s.device();
    String group = "/api/v1/device-groups/" + s.group();
    Map<String, Object> deploy = body("snapshotId", s.snapshot());
    return List.of(
        new Route("deploy", "POST", instance + "/actions/deploy", deploy),
        new Route("rollback", "POST", instance + "/actions/rollback", deploy),
        new Route(
            "import",
            "POST",
            instance + "/snapshots/import",
            body("secret", "a-long-enough-secret", "snapshot", body("format", "x"))),
        // the editor of a protected instance reads only: see the bypass suites and
        // EditorLoginApiTest
        new Route("delete instance", "DELETE", instance, null),
        Route.weakening(
            "unprotect", "PUT", pipeline, edited(s, prod -> prod.put("protected", false))),
        Route.weakening(
            "other approvers",
            "PUT",
            pipeline,
            edited(s, prod -> prod.put("approverGroup", s.otherTeamApprovers()))),
        Route.weakening(
            "instance out", "PUT", pipeline, edited(s, prod -> prod.put("instances", List.of()))),
        Route.weakening(
            "instance joins",
            "PUT",
            pipeline,
            edited(s, prod -> prod.put("instances", List.of(s.prod(), s.newcomer())))),
        new Route(
            "second pipeline over prod",
            "POST",
            "/api/v1/applications/" + s.application() + "/pipelines",
            body(
                "name",
                "Sneaky",
                "stages",
                List.of(
                    body(
                        "name",
                        "dev",
                        "instances",
                        List.of(s.newcomer()),
                        "action",
                        "create_snapshot"),
                    body("name", "prod", "instances", List.of(s.prod()), "action", "use_latest")))),
        Route.weakening(
            "device group out",
            "PUT",
            pipeline,
            edited(s, prod -> prod.put("deviceGroups", List.of()))),
        Route.weakening("stage after", "PUT", pipeline, withStageAfter(s)),
        Route.weakening("stage removed", "PUT", pipeline, onlyDev(s)),
        Route.weakening("delete pipeline", "DELETE", pipeline, null),
        new Route("device target", "PUT", device + "/target", deploy),
        new Route("device settings", "PUT", device + "/settings", body("env", List.of(line2()))),
        new Route(
            "device to other application",
            "PUT",
            device,
            body("name", "gw-1", "type", "gateway", "application", s.otherApplication())),
        new Route("group env", "PUT", group, groupBody(s, List.of(s.device()), List.of(line2()))),
        new Route("group loses device", "PUT", group, groupBody(s, List.of(), List.of())),
        new Route(
            "device joins with its own env",
            "PUT",
            group,
            groupBody(s, List.of(s.device(), s.strayDevice()), List.of())),
        new Route("delete group", "DELETE", group, null),
        new Route(
            "rollout by hand",
            "POST",
            group + "/rollouts",
            body("snapshotId", s.snapshot(), "waves", List.of(100))));
  }

  /** A stage as the API shows it, as the body of a PUT that keeps it. */
  public static Map<String, Object> asRequest(JsonNode stage) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("id", stage.path("id").asText());
    request.put("name", stage.path("name").asText());
    request.put("action", stage.path("action").asText());
    request.put("protected", stage.path("protected").asBoolean());
    request.put("approverGroup", stage.path("approverGroup").asText());
    request.put("instances", texts(stage.path("instances")));
    request.put("deviceGroups", texts(stage.path("deviceGroups")));
    return request;
  }

  /** The pipeline's body as it is, with the production stage (the second) changed. */
  public static Map<String, Object> edited(Scene s, Consumer<Map<String, Object>> change) {
    List<Object> stages = new ArrayList<>();
    for (JsonNode stage : s.stages()) {
      stages.add(asRequest(stage));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> prod = (Map<String, Object>) stages.get(1);
    change.accept(prod);
    return body("name", "Filling", "stages", stages);
  }

  private static Map<String, Object> withStageAfter(Scene s) {
    Map<String, Object> body = edited(s, prod -> {});
    @SuppressWarnings("unchecked")
    List<Object> stages = (List<Object>) body.get("stages");
    stages.add(body("name", "after-prod", "action", "use_latest", "instances", List.of()));
    return body;
  }

  private static Map<String, Object> onlyDev(Scene s) {
    return body("name", "Filling", "stages", List.of(asRequest(s.stages().path(0))));
  }

  private static Map<String, Object> groupBody(Scene s, List<String> devices, List<Object> env) {
    return body("name", "line-1", "deviceIds", devices, "env", env);
  }

  private static Map<String, Object> line2() {
    return body("name", "LINE", "value", "2");
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
