package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.delegate.TaskListener;

/** Stands in for the engine's approval listeners: records each decision, a rejection ends it. */
final class ApprovalListeners {

  private ApprovalListeners() {}

  /** Adds each decision to the list and sets the variable the model's completion reads. */
  static TaskListener recording(List<String> decisions, String rejectedVariable) {
    return task -> {
      String decision = (String) task.getVariable("decision");
      decisions.add(decision);
      if ("reject".equals(decision)) {
        task.getExecution().setVariable(rejectedVariable, true);
      }
    };
  }
}
