package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The instance API's checks, which all happen before any container exists: input, access, quota.
 * Jobs do not run in this context, so accepted requests stop at the first asynchronous step.
 */
class InstanceApiTest extends ApiTestSupport {

  @Autowired ProcessEngine processEngine;

  private String organization;
  private String team;
  private String application;
  private String owner;

  @BeforeEach
  void team() {
    TeamWithApplication made = teamWithApplication();
    organization = made.organization();
    team = made.team();
    owner = made.owner();
    application = made.application();
  }

  private Map<String, Object> request(String name) {
    return body("team", team, "application", application, "name", name);
  }

  @Test
  void acceptedRequestStartsProvisioningAndShowsNoSecrets() {
    Map<String, Object> request = request("filler-1");
    request.put(
        "env",
        List.of(
            body("name", "LINE", "value", "1"),
            body("name", "API_KEY", "value", "very-secret-value", "secret", true)));
    Response accepted = expect(post("/api/v1/instances", as(owner), request), 202);
    String id = accepted.json().path("id").asText();
    assertThat(accepted.header("Location")).isEqualTo("/api/v1/instances/" + id);
    assertThat(accepted.json().path("state").asText()).isEqualTo("provisioning");
    String processInstanceId = accepted.json().path("processInstanceId").asText();

    JsonNode instance = expect(get("/api/v1/instances/" + id, as(owner)), 200).json();
    assertThat(instance.path("name").asText()).isEqualTo("filler-1");
    assertThat(instance.path("operation").asText()).isEqualTo("provisioning");
    assertThat(instance.path("operationProcessInstanceId").asText()).isEqualTo(processInstanceId);
    assertThat(instance.path("restartPolicy").asText()).isEqualTo("on-failure");
    assertThat(instance.path("env").get(0).path("value").asText()).isEqualTo("1");
    assertThat(instance.path("env").get(1).path("secret").asBoolean()).isTrue();
    assertThat(instance.path("env").get(1).has("value")).isFalse();
    assertThat(instance.toString()).doesNotContain("very-secret-value");

    // the secret is encrypted at rest, and no process variable holds it
    assertThat(
            count(
                "select count(*) from flowgate.instance_env where value like"
                    + " '%very-secret-value%'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from act_ru_variable where text_ like '%very-secret-value%'"
                    + " or text2_ like '%very-secret-value%'"))
        .isZero();
    // the process belongs to the organization's tenant
    assertThat(
            jdbc.sql("select tenant_id_ from act_ru_execution where id_ = ?")
                .param(processInstanceId)
                .query(String.class)
                .single())
        .isEqualTo(organization);

    List<String> listed =
        expect(get("/api/v1/instances?team=" + team, as(owner)), 200).json().findValuesAsText("id");
    assertThat(listed).contains(id);
    assertThat(expect(get("/api/v1/instances", as(owner)), 200).json().findValuesAsText("id"))
        .contains(id);
  }

  @Test
  void badInputIsRefusedWithWhatToFix() {
    assertProblem(post("/api/v1/instances", as(owner), request("Not_URL_safe")), 400, "name");
    Map<String, Object> reserved = request("reserved-env");
    reserved.put("env", List.of(body("name", "NODE_RED_CREDENTIAL_SECRET", "value", "x")));
    assertProblem(post("/api/v1/instances", as(owner), reserved), 400, "set by Flowgate");
    Map<String, Object> twice = request("twice-env");
    twice.put("env", List.of(body("name", "A", "value", "1"), body("name", "A", "value", "2")));
    assertProblem(post("/api/v1/instances", as(owner), twice), 400, "given twice");
    Map<String, Object> stack = request("odd-stack");
    stack.put("stack", "evil/image:latest");
    assertProblem(post("/api/v1/instances", as(owner), stack), 400, "not offered");
    Map<String, Object> flows = request("odd-flows");
    flows.put("flows", Map.of("id", "x"));
    assertProblem(post("/api/v1/instances", as(owner), flows), 400, "array");
    Map<String, Object> callback = request("odd-callback");
    callback.put("callbackUrl", "file:///etc/passwd");
    assertProblem(post("/api/v1/instances", as(owner), callback), 400, "callbackUrl");
    // inward addresses (the tests allow 127.0.0.1 only, for their receivers): 400, nothing sent
    for (String inward :
        List.of(
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://127.0.0.2/")) {
      callback.put("callbackUrl", inward);
      assertProblem(
          post("/api/v1/instances", as(owner), callback),
          400,
          "callbacks go to public addresses only unless FLOWGATE_CALLBACK_ALLOW");
    }
    Map<String, Object> otherApplication = request("odd-application");
    otherApplication.put("application", "0000000000000000");
    assertProblem(post("/api/v1/instances", as(owner), otherApplication), 400, "application");

    expect(post("/api/v1/instances", as(owner), request("taken")), 202);
    assertProblem(post("/api/v1/instances", as(owner), request("taken")), 409, "choose another");
    assertThat(count("select count(*) from flowgate.instance where team_id = '" + team + "'"))
        .isEqualTo(1);
  }

  @Test
  void quotaRefusesTheOneTooManyAndCreatesNothing() {
    Response refused = put("/api/v1/teams/" + team + "/quota", as(owner), body("instances", 1));
    assertThat(refused.status()).isEqualTo(403); // org admins set quotas, not team owners
    expect(put("/api/v1/teams/" + team + "/quota", admin(), body("instances", 1)), 200);
    expect(post("/api/v1/instances", as(owner), request("first")), 202);
    int processes = count("select count(*) from act_ru_execution where parent_id_ is null");

    Response over = post("/api/v1/instances", as(owner), request("second"));
    assertProblem(over, 422, "1 of its 1 instances");
    assertThat(count("select count(*) from flowgate.instance where team_id = '" + team + "'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from act_ru_execution where parent_id_ is null"))
        .isEqualTo(processes);
    JsonNode quota = expect(get("/api/v1/teams/" + team + "/quota", as(owner)), 200).json();
    assertThat(quota.path("instances").asInt()).isEqualTo(1);
    assertThat(quota.path("instancesUsed").asInt()).isEqualTo(1);
    assertThat(quota.path("platformDefault").asBoolean()).isFalse();
  }

  @Test
  void othersNeitherSeeNorChangeTheInstance() {
    String id =
        expect(post("/api/v1/instances", as(owner), request("private")), 202)
            .json()
            .path("id")
            .asText();
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    String stranger = createUser(organization, unique("stranger"), "member");

    expect(get("/api/v1/instances/" + id, as(viewer)), 200);
    assertThat(post("/api/v1/instances/" + id + "/actions/stop", as(viewer), null).status())
        .isEqualTo(403);
    // a viewer's editor login reads only
    assertThat(
            expect(get("/api/v1/instances/" + id + "/editor-credentials", as(viewer)), 200)
                .json()
                .path("permissions")
                .asText())
        .isEqualTo("read");
    assertThat(get("/api/v1/instances/" + id, as(stranger)).status()).isEqualTo(404);
    assertThat(delete("/api/v1/instances/" + id, as(stranger)).status()).isEqualTo(404);
    assertThat(expect(get("/api/v1/instances", as(stranger)), 200).json().size()).isZero();
    // busy: provisioning still runs
    assertProblem(post("/api/v1/instances/" + id + "/actions/stop", as(owner), null), 409, "busy");
    assertProblem(
        post("/api/v1/instances/" + id + "/actions/explode", as(owner), null), 404, "start, stop");
    // an application with instances is not deleted under them
    assertProblem(delete("/api/v1/applications/" + application, as(owner)), 409, "instances");
  }

  @Test
  void anOperationCancelledInCockpitLeavesATruthfulState() {
    Response accepted = expect(post("/api/v1/instances", as(owner), request("cancelled")), 202);
    String id = accepted.json().path("id").asText();
    String process = accepted.json().path("processInstanceId").asText();
    // an operator cancels the provisioning through the engine's own REST API
    assertThat(
            send(
                    "DELETE",
                    "/engine-rest/engine/"
                        + processEngine.getName()
                        + "/process-instance/"
                        + process,
                    admin(),
                    null,
                    null,
                    true)
                .status())
        .isEqualTo(204);

    assertProblem(
        post("/api/v1/instances/" + id + "/actions/start", as(owner), null), 409, "failed");
    JsonNode instance = expect(get("/api/v1/instances/" + id, as(owner)), 200).json();
    assertThat(instance.path("state").asText()).isEqualTo("failed");
    assertThat(instance.path("lastFailureReason").asText()).contains("cancelled");
    assertThat(instance.has("operation")).isFalse();
  }

  private static void assertProblem(Response response, int status, String detailContains) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().path("detail").asText()).contains(detailContains);
  }
}
