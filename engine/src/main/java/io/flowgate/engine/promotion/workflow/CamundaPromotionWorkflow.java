package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.promotion.ApprovalRefused;
import io.flowgate.engine.promotion.Promotion;
import io.flowgate.engine.promotion.PromotionWorkflow;
import io.flowgate.engine.workflow.TaskCompletions;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** snapshot-promotion on Camunda: started by key, approval tasks found and completed as a user. */
@Component
class CamundaPromotionWorkflow implements PromotionWorkflow {

  static final String PROCESS = "snapshot-promotion";
  static final String APPROVAL_TASK = "approve";

  private final TaskCompletions completions;

  CamundaPromotionWorkflow(TaskCompletions completions) {
    this.completions = completions;
  }

  @Override
  public String start(Promotion promotion, Map<String, Object> variables) {
    return completions.start(PROCESS, promotion.id(), variables);
  }

  @Override
  public List<String> openTasks(String processInstanceId) {
    return completions.openTasks(processInstanceId, APPROVAL_TASK);
  }

  @Override
  public void complete(String taskId, String user, String decision, String comment) {
    completions.completeAs(
        user, taskId, decision, comment, ApprovalRefused.class, ApprovalRefused::new);
  }
}
