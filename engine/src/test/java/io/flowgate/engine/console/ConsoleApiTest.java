package io.flowgate.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.device.DeviceTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the console needs from the engine: its files at {@code /console} without a login, the
 * caller's teams and roles ({@code GET /api/v1/me}), device states counted per group, the team's
 * rollouts page by page, and 401 answers that do not make the browser ask for a password.
 */
class ConsoleApiTest extends DeviceTestSupport {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Autowired ProcessEngine processEngine;

  @Test
  void theConsoleIsServedWithoutALoginAndItsPageAtTheFolder() throws Exception {
    HttpResponse<String> bare = plain("/console", null);
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location").orElseThrow()).endsWith("/console/");
    HttpResponse<String> page = plain("/console/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\" src=\"js/app.js\"></script>");
    HttpResponse<String> script = plain("/console/js/app.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(plain("/console/vendor/flow-renderer/LICENSE", null).body())
        .contains("Apache License");
  }

  @Test
  void aScriptThatIsNotSignedInGetsAProblemWithoutABasicChallenge() throws Exception {
    HttpResponse<String> fromScript = plain("/api/v1/me", "XMLHttpRequest");
    assertThat(fromScript.statusCode()).isEqualTo(401);
    assertThat(fromScript.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(fromScript.headers().firstValue("WWW-Authenticate")).isEmpty();
    HttpResponse<String> fromCurl = plain("/api/v1/me", null);
    assertThat(fromCurl.statusCode()).isEqualTo(401);
    assertThat(fromCurl.headers().firstValue("WWW-Authenticate"))
        .contains("Basic realm=\"Flowgate\"");
  }

  @Test
  void meNamesTheCallersTeamsWithTheirRoleAndWhereTasklistAndCockpitAre() {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    String outsider = createUser(createOrganization(unique("Other")), unique("outsider"), "member");

    JsonNode me = expect(get("/api/v1/me", as(owner)), 200).json();
    assertThat(me.path("username").asText()).isEqualTo(owner);
    assertThat(me.path("platformAdmin").asBoolean()).isFalse();
    assertThat(me.path("organizations")).hasSize(1);
    assertThat(me.path("organizations").get(0).path("role").asText()).isEqualTo("member");
    assertThat(me.path("teams")).hasSize(1);
    assertThat(me.path("teams").get(0).path("id").asText()).isEqualTo(team);
    assertThat(me.path("teams").get(0).path("role").asText()).isEqualTo("owner");
    String engine = processEngine.getName();
    assertThat(me.path("links").path("tasklist").asText())
        .isEqualTo("/camunda/app/tasklist/" + engine + "/");
    assertThat(me.path("links").path("cockpit").asText())
        .isEqualTo("/camunda/app/cockpit/" + engine + "/");

    assertThat(roleIn(expect(get("/api/v1/me", as(viewer)), 200).json(), team)).isEqualTo("viewer");
    assertThat(
            expect(get("/api/v1/me", as(outsider)), 200)
                .json()
                .path("teams")
                .findValuesAsText("id"))
        .doesNotContain(team);
    JsonNode admin = expect(get("/api/v1/me", admin()), 200).json();
    assertThat(admin.path("platformAdmin").asBoolean()).isTrue();
    assertThat(roleIn(admin, team)).isEqualTo("owner");
  }

  @Test
  void deviceStatesAreCountedInAllAndPerGroup() {
    List<JsonNode> devices = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      devices.add(register(unique("gw")));
    }
    String group = group("Packaging", List.of(id(devices.get(0)), id(devices.get(1))));
    expect(heartbeat(id(devices.get(0)), token(devices.get(0)), state(null, null, "stopped")), 200);

    JsonNode counted =
        Await.until(
            "the heartbeat written behind",
            Duration.ofSeconds(20),
            Duration.ofMillis(200),
            () -> expect(get("/api/v1/teams/" + team + "/device-states", as(owner)), 200).json(),
            json -> json.path("states").path("stopped").asInt() == 1);
    assertThat(counted.path("total").asInt()).isEqualTo(3);
    assertThat(counted.path("states").path("never-seen").asInt()).isEqualTo(2);
    JsonNode packaging = counted.path("groups").get(0);
    assertThat(packaging.path("id").asText()).isEqualTo(group);
    assertThat(packaging.path("name").asText()).isEqualTo("Packaging");
    assertThat(packaging.path("total").asInt()).isEqualTo(2);
    assertThat(packaging.path("states").path("stopped").asInt()).isEqualTo(1);
    assertThat(packaging.path("states").path("never-seen").asInt()).isEqualTo(1);
    JsonNode loose = counted.path("groups").get(1);
    assertThat(loose.path("id").isNull()).isTrue();
    assertThat(loose.path("total").asInt()).isEqualTo(1);

    String stranger = teamWithApplication().owner();
    expect(get("/api/v1/teams/" + team + "/device-states", as(stranger)), 404);
  }

  @Test
  void theTeamsRolloutsComeNewestFirstAPageAtATime() {
    String snapshot = snapshot("release-1", "1");
    List<String> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String device = id(register(unique("gw")));
      String group = group("Cell " + i, List.of(device));
      started.add(
          expect(
                  post(
                      "/api/v1/device-groups/" + group + "/rollouts",
                      as(owner),
                      body("snapshotId", snapshot, "waves", List.of(100))),
                  202)
              .json()
              .path("id")
              .asText());
    }
    JsonNode first =
        expect(get("/api/v1/teams/" + team + "/rollouts?limit=2", as(owner)), 200).json();
    assertThat(first.path("items").findValuesAsText("id"))
        .containsExactly(started.get(2), started.get(1));
    assertThat(first.path("items").get(0).path("deviceGroupName").asText()).isEqualTo("Cell 2");
    String next = first.path("next").asText();
    assertThat(next).isEqualTo(started.get(1));
    JsonNode second =
        expect(get("/api/v1/teams/" + team + "/rollouts?limit=2&before=" + next, as(owner)), 200)
            .json();
    assertThat(second.path("items").findValuesAsText("id")).containsExactly(started.get(0));
    assertThat(second.path("next").isNull()).isTrue();

    Response invalid = get("/api/v1/teams/" + team + "/rollouts?limit=0", as(owner));
    expect(invalid, 400);
    assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
    assertThat(invalid.json().path("detail").asText()).contains("limit").contains("1 to 200");
  }

  private static String roleIn(JsonNode me, String teamId) {
    for (JsonNode team : me.path("teams")) {
      if (team.path("id").asText().equals(teamId)) {
        return team.path("role").asText();
      }
    }
    return null;
  }

  private HttpResponse<String> plain(String path, String requestedWith) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (requestedWith != null) {
      request.header("X-Requested-With", requestedWith);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
