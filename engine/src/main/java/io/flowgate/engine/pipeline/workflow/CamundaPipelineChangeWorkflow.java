package io.flowgate.engine.pipeline.workflow;

import io.flowgate.engine.approval.DecisionRefused;
import io.flowgate.engine.pipeline.PipelineChange;
import io.flowgate.engine.pipeline.PipelineChangeWorkflow;
import io.flowgate.engine.workflow.TaskCompletions;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** pipeline-change on Camunda: started by key, approval tasks found and completed as a user. */
@Component
class CamundaPipelineChangeWorkflow implements PipelineChangeWorkflow {

  static final String PROCESS = "pipeline-change";
  static final String APPROVAL_TASK = "approve-change";

  private final TaskCompletions completions;

  CamundaPipelineChangeWorkflow(TaskCompletions completions) {
    this.completions = completions;
  }

  @Override
  public String start(PipelineChange change, Map<String, Object> variables) {
    return completions.start(PROCESS, change.id(), variables);
  }

  @Override
  public List<String> openTasks(String processInstanceId) {
    return completions.openTasks(processInstanceId, APPROVAL_TASK);
  }

  @Override
  public void complete(String taskId, String user, String decision, String comment) {
    completions.completeAs(
        user, taskId, decision, comment, DecisionRefused.class, DecisionRefused::new);
  }
}
