package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.callback.CallbackSender;
import io.flowgate.engine.promotion.ApprovalDesk;
import io.flowgate.engine.promotion.PromotionFailed;
import io.flowgate.engine.promotion.PromotionService;
import io.flowgate.engine.promotion.PromotionState;
import io.flowgate.engine.promotion.PromotionSteps;
import io.flowgate.engine.promotion.PromotionView;
import io.flowgate.engine.rollout.RolloutService;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks and the approval listener of snapshot-promotion, one bean per name in the
 * model. Each reads the promotion id and calls one {@link PromotionSteps} step with the process's
 * own id; a {@link PromotionFailed} becomes the BPMN error of its kind, anything else is retried.
 */
@Configuration(proxyBeanMethods = false)
class PromotionDelegates {

  static final String PROMOTION_FAILED = "promotion-failed";
  static final String APPROVALS_MISSING = "approvals-missing";
  static final String DEPLOY_FAILED = "promotion-deploy-failed";

  @Bean
  JavaDelegate resolvePromotionSnapshot(PromotionSteps steps) {
    return execution ->
        guarded(
            () -> {
              PromotionSteps.Resolved resolved =
                  steps.resolve(promotionId(execution), execution.getProcessInstanceId());
              execution.setVariable("snapshotId", resolved.snapshotId());
              execution.setVariable("snapshotHash", resolved.snapshotHash());
              execution.setVariable("snapshotName", resolved.snapshotName());
              execution.setVariable("changeCount", resolved.changeCount());
              execution.setVariable("diffSummary", resolved.diffSummary());
              execution.setVariable(
                  "diffUrl", "/console/#/promotions/" + promotionId(execution) + "/diff");
            });
  }

  /** Copies the DMN's decision into Flowgate's record and the variables the model reads. */
  @Bean
  JavaDelegate recordApprovalPolicy(PromotionSteps steps) {
    return execution ->
        guarded(
            () -> {
              @SuppressWarnings("unchecked")
              Map<String, Object> policy =
                  (Map<String, Object>) execution.getVariable("approvalPolicy");
              int approvals = ((Number) policy.get("approvalsRequired")).intValue();
              String expiry = String.valueOf(policy.get("approvalExpiry"));
              String group =
                  steps.recordPolicy(
                      promotionId(execution),
                      execution.getProcessInstanceId(),
                      approvals,
                      (String) policy.get("approverGroup"),
                      expiry);
              execution.setVariable("approvalsRequired", approvals);
              execution.setVariable("approverGroupId", group);
              execution.setVariable("approvalExpiry", expiry);
              execution.setVariable("promotionRejected", false);
            });
  }

  /**
   * The four-eyes gate on every completion of an approval task, whatever route it came by: the user
   * the engine authenticated, the decision and comment the task was completed with, and the
   * snapshot hash the task showed.
   */
  @Bean
  TaskListener promotionApprovalListener(ApprovalDesk desk) {
    return task -> {
      String user = Context.getCommandContext().getAuthenticatedUserId();
      Object decision = task.getVariable("decision");
      Object comment = task.getVariable("comment");
      Object shownHash = task.getVariable("snapshotHash");
      boolean rejected =
          desk.decide(
              new ApprovalDesk.Decision(
                  (String) task.getVariable("promotionId"),
                  task.getProcessInstanceId(),
                  task.getId(),
                  user,
                  decision == null ? null : decision.toString(),
                  comment == null ? null : comment.toString(),
                  shownHash == null ? null : shownHash.toString()));
      if (rejected) {
        task.getExecution().getProcessInstance().setVariable("promotionRejected", true);
      }
    };
  }

  @Bean
  JavaDelegate checkPromotionApprovals(PromotionSteps steps) {
    return withProcess(steps::checkApprovals);
  }

  @Bean
  JavaDelegate backUpPromotionTargets(PromotionSteps steps) {
    return withProcess(steps::backUpTargets);
  }

  @Bean
  JavaDelegate deployPromotionTargets(PromotionSteps steps) {
    return withProcess(steps::deployTargets);
  }

  @Bean
  JavaDelegate verifyPromotionTargets(PromotionSteps steps) {
    return withProcess(steps::verifyTargets);
  }

  /** One rollout per device group of the stage; device-rollout is called for each. */
  @Bean
  JavaDelegate startPromotionRollouts(PromotionSteps steps) {
    return execution ->
        guarded(
            () -> {
              steps.startRollouts(promotionId(execution), execution.getProcessInstanceId());
              execution.setVariable("rolloutPollInterval", "PT2S");
            });
  }

  @Bean
  PromotionRollouts promotionRollouts(RolloutService rollouts) {
    return new PromotionRollouts(rollouts);
  }

  @Bean
  JavaDelegate checkPromotionRollouts(PromotionSteps steps) {
    return withProcess(steps::checkRollouts);
  }

  @Bean
  JavaDelegate restorePromotionTargets(PromotionSteps steps) {
    return withProcess(steps::restoreTargets);
  }

  @Bean
  JavaDelegate markPromotionCompleted(PromotionSteps steps) {
    return withProcess(steps::markCompleted);
  }

  @Bean
  JavaDelegate markPromotionRolledBack(PromotionSteps steps) {
    return execution ->
        steps.markRolledBack(
            promotionId(execution), execution.getProcessInstanceId(), reason(execution));
  }

  @Bean
  JavaDelegate markPromotionRejected(PromotionSteps steps) {
    return execution ->
        steps.markEnded(
            promotionId(execution),
            execution.getProcessInstanceId(),
            PromotionState.REJECTED,
            steps.rejection(promotionId(execution)));
  }

  @Bean
  JavaDelegate markPromotionExpired(PromotionSteps steps) {
    return execution ->
        steps.markEnded(
            promotionId(execution),
            execution.getProcessInstanceId(),
            PromotionState.EXPIRED,
            "Not enough approvals before the approval expired");
  }

  /** A promotion that could not start, or whose approvals were missing at the deploy gate. */
  @Bean
  JavaDelegate markPromotionFailed(PromotionSteps steps) {
    return execution ->
        steps.markEnded(
            promotionId(execution),
            execution.getProcessInstanceId(),
            PromotionState.FAILED,
            reason(execution));
  }

  /** POSTs the promotion's outcome to the requester's callback URL, if one was given. */
  @Bean
  JavaDelegate notifyPromotionCallback(PromotionService promotions, CallbackSender callbacks) {
    return execution -> {
      Object url = execution.getVariable("callbackUrl");
      if (url == null) {
        return;
      }
      PromotionView view = promotions.view(promotionId(execution));
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("promotionId", view.id());
      payload.put("state", view.state());
      if (view.stateReason() != null) {
        payload.put("reason", view.stateReason());
      }
      payload.put("pipelineId", view.pipelineId());
      payload.put("from", view.sourceStage().name());
      payload.put("to", view.targetStage().name());
      if (view.snapshot() != null) {
        payload.put("snapshotId", view.snapshot().id());
        payload.put("snapshotHash", view.snapshot().hash());
      }
      payload.put("approvals", view.approvals());
      payload.put("processInstanceId", execution.getProcessInstanceId());
      payload.put("at", Instant.now().toString());
      callbacks.send(view.teamId(), url.toString(), CallbackSender.deliveryId(execution), payload);
    };
  }

  private static JavaDelegate withProcess(BiConsumer<String, String> step) {
    return execution ->
        guarded(() -> step.accept(promotionId(execution), execution.getProcessInstanceId()));
  }

  private static void guarded(Runnable step) {
    try {
      step.run();
    } catch (PromotionFailed e) {
      String code =
          switch (e.kind()) {
            case NOT_PROMOTABLE -> PROMOTION_FAILED;
            case APPROVALS_MISSING -> APPROVALS_MISSING;
            case TARGET_FAILED -> DEPLOY_FAILED;
          };
      throw new BpmnError(code, e.getMessage());
    }
  }

  private static String promotionId(DelegateExecution execution) {
    return (String) execution.getVariable("promotionId");
  }

  private static String reason(DelegateExecution execution) {
    Object reason = execution.getVariable("failureReason");
    return reason == null ? "unknown" : reason.toString();
  }
}
