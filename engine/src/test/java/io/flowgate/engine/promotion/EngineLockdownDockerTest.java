package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.CamundaWebappSession;
import io.flowgate.engine.testing.EngineRoute;
import io.flowgate.engine.testing.EngineRoute.Audit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A promotion waiting for its approvals holds against every route of {@link EngineRoute#lockdown()}
 * tried by the platform admin (each refused, nothing changed, the refusal audited with the route),
 * against deciding its policy again, and against its steps run from a model Flowgate did not
 * deploy.
 */
class EngineLockdownDockerTest extends PromotionTestSupport {

  @Autowired ProcessEngine processEngine;

  @Test
  void aWaitingPromotionHoldsOnEveryRouteAndEveryRefusalIsAudited() throws Exception {
    String dev = create(withFlows(request("dev-1"), HelloFlows.answering("v1")));
    String prod = create(request("prod-1"));
    awaitSettled(dev, "running");
    awaitSettled(prod, "running");
    JsonNode pipeline = devToProd(dev, List.of(prod));
    String promotion = promoteFirstStage(pipeline, body("comment", "lockdown"));
    JsonNode waiting = awaitState(promotion, "awaiting-approval");
    String processInstance = waiting.path("processInstanceId").asText();
    String definition =
        processEngine
            .getRuntimeService()
            .createProcessInstanceQuery()
            .processInstanceId(processInstance)
            .singleResult()
            .getProcessDefinitionId();
    String engine = processEngine.getName();
    CamundaWebappSession cockpit =
        CamundaWebappSession.login(port, engine, "cockpit", ADMIN, ADMIN_PASSWORD);
    assertThat(cockpit.loginStatus()).isEqualTo(200);

    EngineRoute.Target target =
        new EngineRoute.Target(
            engine, processInstance, definition, waiting.path("openTasks").get(0).asText());
    List<String> held = new ArrayList<>();
    for (EngineRoute route : EngineRoute.lockdown()) {
      String path = route.path(target);
      String described = route.method() + " " + path;
      // other tests of this context may have been refused on the same route: count what is new
      int before = refusalsOf(described, route.audit() == Audit.PROMOTION ? promotion : null);
      Response response =
          switch (route.via()) {
            case ENGINE_REST -> send(route, path, route.wireBody(target));
            case WEBAPP ->
                cockpit.send(
                    route.method(), path, route.contentTypeHeader(), route.wireBody(target));
          };
      assertThat(response.status()).as(route.name() + ": " + response).isEqualTo(route.status());
      assertUnchanged(promotion, route.name());
      int after = refusalsOf(described, route.audit() == Audit.PROMOTION ? promotion : null);
      assertThat(after - before)
          .as(route.name() + " audited")
          .isEqualTo(route.audit() == Audit.NONE ? 0 : 1);
      held.add(route.name());
    }
    assertThat(held).hasSize(EngineRoute.lockdown().size());

    // a requester's completion that Camunda refuses on Tasklist's own route is audited too
    String task = waiting.path("openTasks").get(0).asText();
    CamundaWebappSession tasklist =
        CamundaWebappSession.login(port, engine, "tasklist", owner, PASSWORD);
    String submit = "/camunda/api/engine/engine/" + engine + "/task/" + task + "/submit-form";
    int completionRefusals = completionRefusals(promotion, "POST " + submit);
    Response byRequester =
        tasklist.send(
            "POST",
            submit,
            "application/json",
            "{\"variables\": {\"decision\": {\"value\": \"approve\"}}}");
    assertThat(byRequester.status()).as(byRequester.toString()).isEqualTo(403);
    assertThat(completionRefusals(promotion, "POST " + submit)).isEqualTo(completionRefusals + 1);
    assertUnchanged(promotion, "Tasklist submit-form by the requester");

    // the policy is decided once: running its step again (Flowgate's own code may) changes nothing
    assertThatThrownBy(
            () ->
                processEngine
                    .getRuntimeService()
                    .createProcessInstanceModification(processInstance)
                    .startBeforeActivity("decide-approval-policy")
                    .execute())
        .hasMessageContaining("decided once");
    assertUnchanged(promotion, "deciding the policy again");
    assertThat(audited(promotion, "promotion.policy-redecide-refused")).isOne();

    // a step run from a model Flowgate did not deploy does nothing, whatever promotion it names
    BpmnModelInstance forged =
        Bpmn.createExecutableProcess("forged-promotion")
            .camundaHistoryTimeToLive(1)
            .startEvent()
            .serviceTask("mark-completed")
            .camundaDelegateExpression("${markPromotionCompleted}")
            .endEvent()
            .done();
    Deployment deployment =
        processEngine
            .getRepositoryService()
            .createDeployment()
            .name("SpringAutoDeployment")
            .source("forged")
            .addModelInstance("forged.bpmn", forged)
            .deploy();
    try {
      processEngine
          .getRuntimeService()
          .startProcessInstanceByKey(
              "forged-promotion", Map.of("promotionId", promotion, "organizationId", organization));
    } finally {
      processEngine.getRepositoryService().deleteDeployment(deployment.getId(), true);
    }
    assertUnchanged(promotion, "a forged model");
    assertThat(audited(promotion, "promotion.foreign-process-refused")).isOne();
  }

  private Response send(EngineRoute route, String path, String body) {
    return send(
        route.method(),
        path,
        admin(),
        route.contentTypeHeader(),
        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
        true);
  }

  /** Still waiting for its two approvals, none given, both tasks open, the policy as decided. */
  private void assertUnchanged(String promotion, String after) {
    JsonNode now = expect(get("/api/v1/promotions/" + promotion, as(owner)), 200).json();
    assertThat(now.path("state").asText()).as(after).isEqualTo("awaiting-approval");
    assertThat(now.path("approvalsRequired").asInt()).as(after).isEqualTo(2);
    assertThat(now.path("approvals")).as(after).isEmpty();
    assertThat(now.path("openTasks")).as(after).hasSize(2);
  }

  private int refusalsOf(String route, String promotion) {
    return jdbc.sql(
            "select count(*) from flowgate.audit_log where action = 'engine.command-refused'"
                + " and cast(details as jsonb) ->> 'route' = ? and (cast(? as text) is null or entity_id = ?)")
        .params(route, promotion, promotion)
        .query(Integer.class)
        .single();
  }

  private int completionRefusals(String promotion, String route) {
    return jdbc.sql(
            "select count(*) from flowgate.audit_log where entity_id = ?"
                + " and action = 'engine.task-completion-refused' and cast(details as jsonb) ->> 'route' = ?")
        .params(promotion, route)
        .query(Integer.class)
        .single();
  }

  private int audited(String promotion, String action) {
    return jdbc.sql("select count(*) from flowgate.audit_log where entity_id = ? and action = ?")
        .params(promotion, action)
        .query(Integer.class)
        .single();
  }
}
