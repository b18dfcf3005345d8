package io.flowgate.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A user of organization B reads nothing of organization A's processes from the engine's history:
 * not the user-operation log, not the live activity statistics of a model both use.
 */
class EngineHistoryIsolationTest extends ApiTestSupport {

  private static final String SHARED = "history-isolation-shared";

  @Autowired ProcessEngine engine;
  @Autowired RepositoryService repository;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired IdentityService identity;

  private record Org(String organization, String user, String instance, String task) {}

  @Test
  void historyThatSpansOrganizationsIsForPlatformAdministratorsOnly() throws Exception {
    // one model without a tenant, as Flowgate deploys its own; instances belong to organizations
    String definition =
        repository
            .createDeployment()
            .addModelInstance(
                SHARED + ".bpmn",
                Bpmn.createExecutableProcess(SHARED)
                    .camundaHistoryTimeToLive(1)
                    .startEvent()
                    .userTask("work")
                    .endEvent()
                    .done())
            .deployWithResult()
            .getDeployedProcessDefinitions()
            .get(0)
            .getId();
    Org a = organization("A");
    Org b = organization("B");
    String rest = "/engine-rest/engine/" + engine.getName();
    String webapp = "/camunda/api/engine/engine/" + engine.getName();
    String historyStatistics = "/history/process-definition/" + definition + "/statistics";

    // an operator of the platform sees both organizations' activity, as it is
    JsonNode all = expect(get(rest + historyStatistics, admin()), 200).json();
    assertThat(all.findValuesAsText("instances")).contains("2");
    assertThat(
            expect(get(rest + "/history/user-operation", admin()), 200)
                .json()
                .findValuesAsText("processInstanceId"))
        .contains(a.instance(), b.instance());

    // B: not the history spanning organizations, on the engine REST API…
    for (String query :
        List.of(historyStatistics, "/history/user-operation", "/history/user-operation/count")) {
      Response refused = get(rest + query, as(b.user()));
      assertThat(refused.status()).as(query).isEqualTo(403);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().path("detail").asText()).contains("platform administrators");
    }
    // …nor on the webapps' copy of it (Cockpit's session)
    WebappSession cockpit =
        WebappSession.login(port, engine.getName(), "cockpit", b.user(), PASSWORD);
    assertThat(cockpit.get(webapp + historyStatistics).statusCode()).isEqualTo(403);
    // what stays open is confined to B's tenant by Camunda's own check: the runtime statistics
    // Cockpit draws, and the task history Tasklist shows (the user-operation log of B's task)
    JsonNode runtimeStatistics =
        expect(get(rest + "/process-definition/" + definition + "/statistics", as(b.user())), 200)
            .json();
    assertThat(runtimeStatistics.findValuesAsText("instances")).containsOnly("1");
    HttpResponse<String> taskHistory =
        cockpit.get(webapp + "/history/user-operation?taskId=" + b.task());
    assertThat(taskHistory.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(taskHistory.body()).findValuesAsText("processInstanceId"))
        .isNotEmpty()
        .containsOnly(b.instance());
    HttpResponse<String> otherTask =
        cockpit.get(webapp + "/history/user-operation?taskId=" + a.task());
    assertThat(JSON.readTree(otherTask.body()).size()).isZero();
  }

  /** A browser session of a Camunda webapp after its login API. */
  private record WebappSession(HttpClient client, int port) {
    static WebappSession login(int port, String engine, String app, String user, String password)
        throws IOException, InterruptedException {
      CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
      HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).build();
      WebappSession session = new WebappSession(client, port);
      client.send(
          HttpRequest.newBuilder(session.uri("/camunda/app/" + app + "/")).build(),
          HttpResponse.BodyHandlers.discarding());
      String xsrf =
          cookies.getCookieStore().getCookies().stream()
              .filter(cookie -> cookie.getName().equals("XSRF-TOKEN"))
              .map(HttpCookie::getValue)
              .findFirst()
              .orElse("");
      HttpResponse<String> login =
          client.send(
              HttpRequest.newBuilder(
                      session.uri("/camunda/api/admin/auth/user/" + engine + "/login/" + app))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("X-XSRF-TOKEN", xsrf)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "username="
                              + URLEncoder.encode(user, StandardCharsets.UTF_8)
                              + "&password="
                              + URLEncoder.encode(password, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
      return session;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
      return client.send(
          HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  private Org organization(String label) {
    String organization = createOrganization(unique("History " + label));
    String user = createUser(organization, unique("hist" + label.toLowerCase()), "member");
    String instance =
        runtime
            .createProcessInstanceByKey(SHARED)
            .processDefinitionWithoutTenantId()
            .setVariable("organizationId", organization)
            .execute()
            .getId();
    String task = tasks.createTaskQuery().processInstanceId(instance).singleResult().getId();
    // an operator of the platform works on the organization's process, as in Cockpit and Tasklist
    identity.setAuthentication(ADMIN, List.of("camunda-admin"), List.of(organization));
    try {
      tasks.claim(task, user);
      runtime.setVariable(instance, "note", "by " + label);
      runtime.suspendProcessInstanceById(instance);
      runtime.activateProcessInstanceById(instance);
      tasks.setVariable(task, "taskNote", "by " + label);
    } finally {
      identity.clearAuthentication();
    }
    return new Org(organization, user, instance, task);
  }
}
