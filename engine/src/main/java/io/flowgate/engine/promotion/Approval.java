package io.flowgate.engine.promotion;

import java.time.Instant;

/** One person's decision on a promotion, for the snapshot hash they saw. */
public record Approval(
    String approver,
    String decision,
    String comment,
    String snapshotHash,
    String taskId,
    Instant decidedAt) {

  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";

  public boolean approves() {
    return APPROVE.equals(decision);
  }
}
