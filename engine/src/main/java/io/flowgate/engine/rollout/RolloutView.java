package io.flowgate.engine.rollout;

import java.time.Instant;
import java.util.List;

/** A rollout as the API shows it, with its counts per wave. */
public record RolloutView(
    String id,
    String deviceGroupId,
    String deviceGroupName,
    String snapshotId,
    String state,
    String stateReason,
    int currentWave,
    List<Wave> waves,
    String requestedBy,
    Instant requestedAt,
    Instant finishedAt,
    String processInstanceId) {

  public record Wave(
      int wave,
      int targeted,
      int succeeded,
      int failed,
      int timedOut,
      int rolledBack,
      int pending) {}
}
