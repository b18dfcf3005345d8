package io.flowgate.engine.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * A change of a pipeline that weakens a bound protected stage, waiting for (or done with) the
 * approvals a promotion into that stage needs.
 *
 * @param kind "change" (a PUT) or "delete"
 * @param requested the pipeline as it will be, as JSON (null for a deletion)
 * @param pipelineUpdatedAt the pipeline's last change when this one was requested: it is applied
 *     only to that pipeline
 */
public record PipelineChange(
    String id,
    String organizationId,
    String teamId,
    String pipelineId,
    String pipelineName,
    String kind,
    String requested,
    Instant pipelineUpdatedAt,
    List<String> weakenings,
    String stageId,
    String stageName,
    int approvalsRequired,
    String approverGroup,
    Instant expiresAt,
    String requestedBy,
    String requestedVia,
    Instant requestedAt,
    String state,
    String stateReason,
    String processInstanceId,
    Instant finishedAt) {

  public static final String CHANGE = "change";
  public static final String DELETE = "delete";

  public static final String AWAITING_APPROVAL = "awaiting-approval";
  public static final String APPLIED = "applied";
  public static final String REJECTED = "rejected";
  public static final String EXPIRED = "expired";
  public static final String FAILED = "failed";

  /** One person's decision on the change. */
  public record Decision(
      String approver, String decision, String comment, String taskId, Instant decidedAt) {}
}
