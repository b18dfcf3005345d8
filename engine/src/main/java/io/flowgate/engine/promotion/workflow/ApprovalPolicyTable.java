package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.promotion.PromotionSteps;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngineServices;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.variable.Variables;

/**
 * The approval-policy decision table of the promotion's own deployment, evaluated through Camunda's
 * DecisionService: the table stays the policy's one source and every evaluation is in Cockpit's
 * decision history.
 */
final class ApprovalPolicyTable {

  static final String DECISION = "approval-policy";

  private ApprovalPolicyTable() {}

  static PromotionSteps.PolicyDecision evaluate(
      DelegateExecution execution, PromotionSteps.PolicyInputs inputs) {
    ProcessEngineServices engine = execution.getProcessEngineServices();
    // the step runs as whoever completed the task before it; the policy needs no rights of theirs
    return Context.getCommandContext()
        .runWithoutAuthorization(
            () -> {
              String deployment =
                  engine
                      .getRepositoryService()
                      .getProcessDefinition(execution.getProcessDefinitionId())
                      .getDeploymentId();
              DecisionDefinition table =
                  engine
                      .getRepositoryService()
                      .createDecisionDefinitionQuery()
                      .deploymentId(deployment)
                      .decisionDefinitionKey(DECISION)
                      .singleResult();
              if (table == null) {
                throw new IllegalStateException(
                    "The deployment of the promotion's process has no " + DECISION + " table");
              }
              Map<String, Object> result =
                  engine
                      .getDecisionService()
                      .evaluateDecisionById(table.getId())
                      .variables(
                          Variables.putValue("stageProtected", inputs.targetProtected())
                              .putValue("finalStage", inputs.targetFinal())
                              .putValue("changeCount", inputs.changeCount())
                              .putValue("emergencyRollback", inputs.emergencyRollback()))
                      .evaluate()
                      .getSingleResult()
                      .getEntryMap();
              return new PromotionSteps.PolicyDecision(
                  ((Number) result.get("approvalsRequired")).intValue(),
                  (String) result.get("approverGroup"),
                  (String) result.get("approvalExpiry"));
            });
  }
}
