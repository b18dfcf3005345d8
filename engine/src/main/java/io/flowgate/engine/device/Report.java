package io.flowgate.engine.device;

import java.time.Instant;

/**
 * What a device's latest heartbeat said, as kept in memory and written to its row in batches.
 *
 * @param stableHeartbeats consecutive heartbeats with the same snapshot, settings and state and no
 *     new restart
 * @param stateSince since when the device reports this snapshot and state
 */
record Report(
    String state,
    String snapshotId,
    String settings,
    String application,
    String agentVersion,
    String nodeRedVersion,
    String nodejsVersion,
    Integer restartCount,
    Long uptimeSeconds,
    Instant lastSeenAt,
    int stableHeartbeats,
    Instant stateSince) {

  static final Report NONE =
      new Report(null, null, null, null, null, null, null, null, null, null, 0, null);

  /** The report after a heartbeat with these values at {@code now}. */
  Report next(
      String state,
      String snapshotId,
      String settings,
      String application,
      String agentVersion,
      String nodeRedVersion,
      String nodejsVersion,
      Integer restartCount,
      Long uptimeSeconds,
      Instant now) {
    boolean sameRun =
        lastSeenAt != null
            && java.util.Objects.equals(this.state, state)
            && java.util.Objects.equals(this.snapshotId, snapshotId);
    boolean restarted =
        restartCount != null && this.restartCount != null && restartCount > this.restartCount;
    boolean stable = sameRun && java.util.Objects.equals(this.settings, settings) && !restarted;
    return new Report(
        state,
        snapshotId,
        settings,
        application,
        agentVersion,
        nodeRedVersion,
        nodejsVersion,
        restartCount,
        uptimeSeconds,
        now,
        stable ? stableHeartbeats + 1 : 1,
        sameRun ? stateSince : now);
  }

  boolean newerThan(Report other) {
    return lastSeenAt != null && (other.lastSeenAt == null || lastSeenAt.isAfter(other.lastSeenAt));
  }
}
