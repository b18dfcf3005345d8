package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.callback.CallbackSender;
import io.flowgate.engine.promotion.ApprovalDesk;
import io.flowgate.engine.promotion.PromotionFailed;
import io.flowgate.engine.promotion.PromotionService;
import io.flowgate.engine.promotion.PromotionState;
import io.flowgate.engine.promotion.PromotionSteps;
import io.flowgate.engine.promotion.PromotionView;
import io.flowgate.engine.rollout.RolloutService;
import io.flowgate.engine.workflow.FlowgateModels;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
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
  JavaDelegate resolvePromotionSnapshot(PromotionSteps steps, FlowgateModels models) {
    return own(
        models,
        steps,
        execution ->
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
                }));
  }

  /**
   * Decides the approval policy once, from Flowgate's record of the promotion, with the deployed
   * approval-policy table, and hands the model what it reads (the number of approval tasks, their
   * group, their expiry). Not guarded: a refusal must not end the process as a business outcome.
   */
  @Bean
  JavaDelegate decidePromotionApprovalPolicy(PromotionSteps steps, FlowgateModels models) {
    return own(
        models,
        steps,
        execution -> {
          PromotionSteps.Policy policy =
              steps.decidePolicy(
                  promotionId(execution),
                  execution.getProcessInstanceId(),
                  inputs -> ApprovalPolicyTable.evaluate(execution, inputs));
          execution.setVariable("approvalsRequired", policy.approvalsRequired());
          execution.setVariable("approverGroupId", policy.approverGroupId());
          execution.setVariable("approvalExpiry", policy.approvalExpiry());
          execution.setVariable("promotionRejected", false);
        });
  }

  /**
   * The four-eyes gate on every completion of an approval task, whatever route it came by: the user
   * the engine authenticated, the decision and comment the task was completed with, and the
   * snapshot hash the task showed.
   */
  @Bean
  TaskListener promotionApprovalListener(ApprovalDesk desk, PromotionSteps steps) {
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
      // what the next approver's form shows comes from the record again, whatever this
      // completion carried besides its decision and comment
      task.getExecution()
          .getProcessInstance()
          .setVariables(steps.approvalForm((String) task.getVariable("promotionId")));
      if (rejected) {
        task.getExecution().getProcessInstance().setVariable("promotionRejected", true);
      }
    };
  }

  @Bean
  JavaDelegate checkPromotionApprovals(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::checkApprovals));
  }

  @Bean
  JavaDelegate backUpPromotionTargets(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::backUpTargets));
  }

  @Bean
  JavaDelegate deployPromotionTargets(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::deployTargets));
  }

  @Bean
  JavaDelegate verifyPromotionTargets(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::verifyTargets));
  }

  /** One rollout per device group of the stage; device-rollout is called for each. */
  @Bean
  JavaDelegate startPromotionRollouts(PromotionSteps steps, FlowgateModels models) {
    return own(
        models,
        steps,
        execution ->
            guarded(
                () -> {
                  steps.startRollouts(promotionId(execution), execution.getProcessInstanceId());
                  execution.setVariable("rolloutPollInterval", "PT2S");
                }));
  }

  @Bean
  PromotionRollouts promotionRollouts(RolloutService rollouts) {
    return new PromotionRollouts(rollouts);
  }

  @Bean
  JavaDelegate checkPromotionRollouts(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::checkRollouts));
  }

  @Bean
  JavaDelegate restorePromotionTargets(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::restoreTargets));
  }

  @Bean
  JavaDelegate markPromotionCompleted(PromotionSteps steps, FlowgateModels models) {
    return own(models, steps, withProcess(steps::markCompleted));
  }

  @Bean
  JavaDelegate markPromotionRolledBack(PromotionSteps steps, FlowgateModels models) {
    return own(
        models,
        steps,
        execution ->
            steps.markRolledBack(
                promotionId(execution), execution.getProcessInstanceId(), reason(execution)));
  }

  @Bean
  JavaDelegate markPromotionRejected(PromotionSteps steps, FlowgateModels models) {
    return ended(models, steps, PromotionState.REJECTED, e -> steps.rejection(promotionId(e)));
  }

  @Bean
  JavaDelegate markPromotionExpired(PromotionSteps steps, FlowgateModels models) {
    return ended(
        models,
        steps,
        PromotionState.EXPIRED,
        e -> "Not enough approvals before the approval expired");
  }

  /** A promotion that could not start, or whose approvals were missing at the deploy gate. */
  @Bean
  JavaDelegate markPromotionFailed(PromotionSteps steps, FlowgateModels models) {
    return ended(models, steps, PromotionState.FAILED, PromotionDelegates::reason);
  }

  /** POSTs the promotion's outcome to the requester's callback URL, if one was given. */
  @Bean
  JavaDelegate notifyPromotionCallback(
      PromotionService promotions,
      CallbackSender callbacks,
      PromotionSteps steps,
      FlowgateModels models) {
    return own(
        models,
        steps,
        execution -> {
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
          callbacks.send(
              view.teamId(), url.toString(), CallbackSender.deliveryId(execution), payload);
        });
  }

  /** Ends the promotion in the state, for the reason the execution gives. */
  private static JavaDelegate ended(
      FlowgateModels models,
      PromotionSteps steps,
      PromotionState state,
      Function<DelegateExecution, String> reason) {
    return own(
        models,
        steps,
        execution ->
            steps.markEnded(
                promotionId(execution),
                execution.getProcessInstanceId(),
                state,
                reason.apply(execution)));
  }

  /**
   * Runs the step only in Flowgate's own model of snapshot-promotion: run from any other process or
   * deployment it does nothing and is audited, whatever promotion id the process carries.
   */
  private static JavaDelegate own(FlowgateModels models, PromotionSteps steps, JavaDelegate step) {
    return execution -> {
      Optional<String> foreign = models.whyForeign(execution, CamundaPromotionWorkflow.PROCESS);
      if (foreign.isPresent()) {
        steps.refuseForeignProcess(
            String.valueOf(execution.getVariable("promotionId")),
            execution.getProcessInstanceId(),
            execution.getCurrentActivityId(),
            foreign.get());
        return;
      }
      step.execute(execution);
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
