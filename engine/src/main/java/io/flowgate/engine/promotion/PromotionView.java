package io.flowgate.engine.promotion;

import java.time.Instant;
import java.util.List;

/**
 * A promotion as the API shows it: where it is and why, the snapshot, the approval policy, who
 * decided so far, and how far each target came.
 *
 * @param requestedBy the person who asked (for an API token: the token's creator)
 * @param requestedVia the API token the request came with, or null
 * @param openTasks the approval tasks waiting now (ids for Tasklist links)
 * @param kind {@code promotion}, or {@code emergency-rollback} (one instance back to its last
 *     approved snapshot, one approval)
 */
public record PromotionView(
    String id,
    String organizationId,
    String teamId,
    String pipelineId,
    String pipelineName,
    Stage sourceStage,
    Stage targetStage,
    SnapshotRef snapshot,
    String requestedBy,
    String requestedVia,
    Instant requestedAt,
    String comment,
    String state,
    String stateReason,
    Integer approvalsRequired,
    String approverGroup,
    Instant expiresAt,
    List<Decision> approvals,
    List<Target> targets,
    Integer changeCount,
    String diffSummary,
    String processInstanceId,
    List<String> openTasks,
    Instant finishedAt,
    String kind) {

  public record Stage(String id, String name) {}

  public record SnapshotRef(String id, String hash) {}

  /**
   * One approver's decision, with their approver right as it stands now: since when, granted by
   * whom, confirmed by whom (null where the organization asks no second admin, or the right was
   * taken away since).
   */
  public record Decision(
      String approver,
      String decision,
      String comment,
      Instant decidedAt,
      Instant approverSince,
      String approverGrantedBy,
      String approverConfirmedBy) {}

  public record Target(String instanceId, String name, String state, String backupSnapshotId) {}
}
