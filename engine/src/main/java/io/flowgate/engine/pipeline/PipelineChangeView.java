package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A pipeline change as the API shows it. */
public record PipelineChangeView(
    String id,
    String pipelineId,
    String pipelineName,
    String kind,
    String state,
    String stateReason,
    List<String> weakenings,
    JsonNode requested,
    String stageId,
    String stageName,
    int approvalsRequired,
    String approverGroup,
    String requestedBy,
    String requestedVia,
    Instant requestedAt,
    Instant expiresAt,
    List<Decision> approvals,
    List<String> openTasks,
    String processInstanceId,
    Instant finishedAt) {

  /** A decision with the approver's grant, as on a promotion. */
  public record Decision(
      String approver,
      String decision,
      String comment,
      Instant decidedAt,
      Instant approverSince,
      String approverGrantedBy) {}
}
