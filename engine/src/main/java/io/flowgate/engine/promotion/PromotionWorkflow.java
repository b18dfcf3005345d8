package io.flowgate.engine.promotion;

import java.util.List;
import java.util.Map;

/**
 * What promotions need from the process engine; implemented in {@code promotion.workflow}, so that
 * this package stays free of engine classes.
 */
public interface PromotionWorkflow {

  /** Starts snapshot-promotion; returns the process instance id. */
  String start(Promotion promotion, Map<String, Object> variables);

  /** The approval tasks waiting now. */
  List<String> openTasks(String processInstanceId);

  /**
   * Completes an approval task as the user (Camunda checks its authorizations, the listener the
   * four-eyes rules).
   *
   * @throws ApprovalRefused when either refuses
   */
  void complete(String taskId, String user, String decision, String comment);
}
