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
import java.util.function.Function;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A user of organization B sees B's process definitions, instances, tasks and history, and nothing
 * of organization A: through {@code /engine-rest}, through the engine's Java API the way Tasklist
 * and Cockpit query it, and through the webapps' own API after logging in to Tasklist.
 */
class TenantIsolationTest extends ApiTestSupport {

  private static final String PROCESS = "tenant-isolation-check";

  @Autowired ProcessEngine engine;
  @Autowired RepositoryService repository;
  @Autowired RuntimeService runtime;
  @Autowired TaskService tasks;
  @Autowired HistoryService history;
  @Autowired IdentityService identity;

  /** One organization with a team, an approver in it, and a process instance waiting for them. */
  private record Tenant_(
      String organization, String team, String user, String instance, String task) {}

  @Test
  void usersSeeOnlyTheirOwnOrganizationsProcesses() throws Exception {
    Tenant_ a = tenant("A");
    Tenant_ b = tenant("B");

    for (Tenant_[] pair : new Tenant_[][] {{b, a}, {a, b}}) {
      Tenant_ own = pair[0];
      Tenant_ other = pair[1];
      Auth user = as(own.user());
      String rest = "/engine-rest/engine/" + engine.getName();

      JsonNode instances = expect(get(rest + "/process-instance", user), 200).json();
      assertThat(instances.findValuesAsText("id"))
          .contains(own.instance())
          .doesNotContain(other.instance());
      assertThat(instances.findValuesAsText("tenantId")).containsOnly(own.organization());

      JsonNode openTasks = expect(get(rest + "/task", user), 200).json();
      assertThat(openTasks.findValuesAsText("id"))
          .contains(own.task())
          .doesNotContain(other.task());
      assertThat(openTasks.findValuesAsText("tenantId")).containsOnly(own.organization());

      JsonNode past = expect(get(rest + "/history/process-instance", user), 200).json();
      assertThat(past.findValuesAsText("id"))
          .contains(own.instance())
          .doesNotContain(other.instance());
      assertThat(past.findValuesAsText("tenantId")).containsOnly(own.organization());

      JsonNode definitions =
          expect(get(rest + "/process-definition?key=" + PROCESS, user), 200).json();
      assertThat(definitions.findValuesAsText("tenantId")).containsExactly(own.organization());

      expect(get(rest + "/process-instance/" + other.instance(), user), 404);
      expect(get(rest + "/task/" + other.task(), user), 404);
      Response complete =
          sendJson("POST", rest + "/task/" + other.task() + "/complete", user, "{}");
      // refused; Camunda's REST API answers its tenant check failure (ENGINE-13034) with 500
      assertThat(complete.status()).isGreaterThanOrEqualTo(400);
      assertThat(tasks.createTaskQuery().taskId(other.task()).count()).isOne();

      // the Java API with the identity Tasklist and Cockpit set for a logged-in user
      List<String> groups =
          identity.createGroupQuery().groupMember(own.user()).list().stream()
              .map(Group::getId)
              .toList();
      List<String> tenants =
          identity
              .createTenantQuery()
              .userMember(own.user())
              .includingGroupsOfUser(true)
              .list()
              .stream()
              .map(Tenant::getId)
              .toList();
      assertThat(tenants).containsExactly(own.organization());
      identity.setAuthentication(own.user(), groups, tenants);
      try {
        List<Task> visibleTasks = tasks.createTaskQuery().list();
        assertThat(visibleTasks)
            .extracting(Task::getId)
            .contains(own.task())
            .doesNotContain(other.task());
        assertThat(visibleTasks).extracting(Task::getTenantId).containsOnly(own.organization());
        assertThat(
                tasks
                    .createTaskQuery()
                    .taskCandidateGroup(CamundaIdentity.teamApproversGroup(own.team()))
                    .list())
            .extracting(Task::getId)
            .containsExactly(own.task());
        List<ProcessInstance> visibleInstances = runtime.createProcessInstanceQuery().list();
        assertThat(visibleInstances)
            .extracting(ProcessInstance::getId)
            .contains(own.instance())
            .doesNotContain(other.instance());
        assertThat(visibleInstances)
            .extracting(ProcessInstance::getTenantId)
            .containsOnly(own.organization());
        assertThat(history.createHistoricProcessInstanceQuery().list())
            .extracting(HistoricProcessInstance::getTenantId)
            .containsOnly(own.organization());
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey(PROCESS).list())
            .extracting(ProcessDefinition::getTenantId)
            .containsExactly(own.organization());
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(other.instance()).count())
            .isZero();
      } finally {
        identity.clearAuthentication();
      }

      // Tasklist's own API after its login page
      Webapp tasklist = Webapp.login(port, engine.getName(), "tasklist", own.user(), PASSWORD);
      assertThat(tasklist.loginStatus).isEqualTo(200);
      assertThat(tasklist.login.path("authorizedApps").toString())
          .contains("tasklist")
          .contains("cockpit")
          .doesNotContain("admin");
      JsonNode webTasks = tasklist.get("/camunda/api/engine/engine/" + engine.getName() + "/task");
      assertThat(webTasks.findValuesAsText("id")).contains(own.task()).doesNotContain(other.task());
      JsonNode webInstances =
          tasklist.get("/camunda/api/engine/engine/" + engine.getName() + "/process-instance");
      assertThat(webInstances.findValuesAsText("id"))
          .contains(own.instance())
          .doesNotContain(other.instance());
      assertThat(Webapp.login(port, engine.getName(), "cockpit", own.user(), PASSWORD).loginStatus)
          .isEqualTo(200);
    }
    // the application admin is not for organization members
    assertThat(Webapp.login(port, engine.getName(), "admin", b.user(), PASSWORD).loginStatus)
        .isEqualTo(403);
  }

  private Tenant_ tenant(String label) {
    String organization = createOrganization(unique("Isolation " + label));
    String team = createTeam(organization, unique("approvals"));
    String user = createUser(organization, unique("user" + label.toLowerCase()), "member");
    putMember(team, user, "member", true);
    BpmnModelInstance model =
        Bpmn.createExecutableProcess(PROCESS)
            .camundaHistoryTimeToLive(1)
            .startEvent()
            .userTask("approve")
            .name("Approve")
            .camundaCandidateGroups(CamundaIdentity.teamApproversGroup(team))
            .endEvent()
            .done();
    repository
        .createDeployment()
        .tenantId(organization)
        .addModelInstance(PROCESS + ".bpmn", model)
        .deploy();
    String instance =
        runtime
            .createProcessInstanceByKey(PROCESS)
            .processDefinitionTenantId(organization)
            .businessKey(label)
            .execute()
            .getId();
    String task = tasks.createTaskQuery().processInstanceId(instance).singleResult().getId();
    return new Tenant_(organization, team, user, instance, task);
  }

  /** A session of a Camunda webapp, logged in through its own login API (with its CSRF token). */
  private static final class Webapp {
    final HttpClient client;
    final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    final int port;
    int loginStatus;
    JsonNode login;

    private Webapp(int port) {
      this.port = port;
      this.client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .cookieHandler(cookies)
              .build();
    }

    static Webapp login(int port, String engine, String app, String user, String password)
        throws IOException, InterruptedException {
      Webapp webapp = new Webapp(port);
      webapp.send(
          HttpRequest.newBuilder(webapp.uri("/camunda/app/" + app + "/")).GET(),
          HttpResponse::statusCode);
      String xsrf =
          webapp.cookies.getCookieStore().getCookies().stream()
              .filter(cookie -> cookie.getName().equals("XSRF-TOKEN"))
              .map(HttpCookie::getValue)
              .findFirst()
              .orElse("");
      String form =
          "username="
              + URLEncoder.encode(user, StandardCharsets.UTF_8)
              + "&password="
              + URLEncoder.encode(password, StandardCharsets.UTF_8);
      HttpResponse<String> response =
          webapp.client.send(
              HttpRequest.newBuilder(
                      webapp.uri("/camunda/api/admin/auth/user/" + engine + "/login/" + app))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("X-XSRF-TOKEN", xsrf)
                  .POST(HttpRequest.BodyPublishers.ofString(form))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      webapp.loginStatus = response.statusCode();
      webapp.login = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
      return webapp;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    }

    private <T> T send(HttpRequest.Builder request, Function<HttpResponse<String>, T> result)
        throws IOException, InterruptedException {
      return result.apply(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }
}
