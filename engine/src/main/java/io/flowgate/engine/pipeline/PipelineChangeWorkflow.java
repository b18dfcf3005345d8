package io.flowgate.engine.pipeline;

import java.util.List;
import java.util.Map;

/**
 * What pipeline changes need from the process engine; implemented in {@code pipeline.workflow}, so
 * that this package stays free of engine classes.
 */
public interface PipelineChangeWorkflow {

  /** Starts pipeline-change with the change id as business key; returns the process instance id. */
  String start(PipelineChange change, Map<String, Object> variables);

  /** The approval tasks waiting now. */
  List<String> openTasks(String processInstanceId);

  /**
   * Completes an approval task as the user (Camunda checks its authorizations, the listener the
   * four-eyes rules).
   *
   * @throws io.flowgate.engine.approval.DecisionRefused when either refuses
   */
  void complete(String taskId, String user, String decision, String comment);
}
