package io.flowgate.engine.promotion;

import java.time.Instant;

/**
 * A promotion as recorded: what goes where, who asked, what policy applies, where it is.
 *
 * @param requestedBy the person who asked: for a request made with an API token, the token's
 *     creator, who is therefore never one of its approvers
 * @param requestedVia the API token the request came with ({@code token:<id>}), or null
 * @param kind {@link #PROMOTION}, or {@link #EMERGENCY_ROLLBACK}: one instance of the target stage
 *     back to its last approved snapshot, with one approval
 */
public record Promotion(
    String id,
    String organizationId,
    String teamId,
    String pipelineId,
    String pipelineName,
    String sourceStageId,
    String sourceStageName,
    String targetStageId,
    String targetStageName,
    boolean targetProtected,
    boolean targetFinal,
    String stageApproverGroup,
    String requestedSnapshotId,
    String snapshotId,
    String snapshotHash,
    Integer changeCount,
    String diffSummary,
    String requestedBy,
    String requestedVia,
    Instant requestedAt,
    String requestComment,
    String callbackUrl,
    PromotionState state,
    String stateReason,
    Integer approvalsRequired,
    String approverGroup,
    Instant expiresAt,
    String processInstanceId,
    Instant finishedAt,
    String kind) {

  public static final String PROMOTION = "promotion";
  public static final String EMERGENCY_ROLLBACK = "emergency-rollback";

  public boolean emergencyRollback() {
    return EMERGENCY_ROLLBACK.equals(kind);
  }
}
