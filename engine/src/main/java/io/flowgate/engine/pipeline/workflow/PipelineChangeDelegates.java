package io.flowgate.engine.pipeline.workflow;

import io.flowgate.engine.pipeline.PipelineChange;
import io.flowgate.engine.pipeline.PipelineChangeDesk;
import io.flowgate.engine.pipeline.PipelineChangeSteps;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks and the approval listener of pipeline-change, one bean per name in the model.
 * Each reads the change id and calls one {@link PipelineChangeSteps} step with the process's own
 * id.
 */
@Configuration(proxyBeanMethods = false)
class PipelineChangeDelegates {

  static final String NOT_APPLICABLE = "pipeline-change-not-applicable";

  /**
   * The four-eyes gate on every completion of an approval task, whatever route it came by: the user
   * the engine authenticated, and the decision and comment the task was completed with.
   */
  @Bean
  TaskListener pipelineChangeApprovalListener(PipelineChangeDesk desk) {
    return task -> {
      Object decision = task.getVariable("decision");
      Object comment = task.getVariable("comment");
      boolean rejected =
          desk.decide(
              new PipelineChangeDesk.Ballot(
                  (String) task.getVariable("changeId"),
                  task.getProcessInstanceId(),
                  task.getId(),
                  Context.getCommandContext().getAuthenticatedUserId(),
                  decision == null ? null : decision.toString(),
                  comment == null ? null : comment.toString()));
      if (rejected) {
        task.getExecution().getProcessInstance().setVariable("changeRejected", true);
      }
    };
  }

  /** Applies the change after re-checking the approvals on record; what stops it ends it failed. */
  @Bean
  JavaDelegate applyPipelineChange(PipelineChangeSteps steps) {
    return execution -> {
      try {
        steps.apply(changeId(execution), execution.getProcessInstanceId());
      } catch (PipelineChangeSteps.NotApplicable e) {
        throw new BpmnError(NOT_APPLICABLE, e.getMessage());
      }
    };
  }

  @Bean
  JavaDelegate markPipelineChangeRejected(PipelineChangeSteps steps) {
    return execution ->
        steps.markEnded(
            changeId(execution),
            execution.getProcessInstanceId(),
            PipelineChange.REJECTED,
            steps.rejection(changeId(execution)));
  }

  @Bean
  JavaDelegate markPipelineChangeExpired(PipelineChangeSteps steps) {
    return execution ->
        steps.markEnded(
            changeId(execution),
            execution.getProcessInstanceId(),
            PipelineChange.EXPIRED,
            "not enough approvals before the approval expired");
  }

  @Bean
  JavaDelegate markPipelineChangeFailed(PipelineChangeSteps steps) {
    return execution -> {
      Object reason = execution.getVariable("failureReason");
      steps.markEnded(
          changeId(execution),
          execution.getProcessInstanceId(),
          PipelineChange.FAILED,
          reason == null ? "unknown" : reason.toString());
    };
  }

  private static String changeId(DelegateExecution execution) {
    return (String) execution.getVariable("changeId");
  }
}
