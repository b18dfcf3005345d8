package io.flowgate.engine.device;

import java.time.Instant;

/**
 * What a rollout needs to know of one device: what it is to run and what its heartbeats say it
 * runs. A device "has" its target when {@code snapshotId} equals {@code targetSnapshotId}, {@code
 * state} is {@code running} and {@code stableHeartbeats} reaches the stability window; it failed
 * when it reports {@code error}, {@code crashed} or {@code safe} for the target, or its {@code
 * restartCount} climbs there.
 *
 * @param snapshotId the snapshot the device reported running, or null
 * @param state the state the device reported, or null if it never sent a heartbeat
 * @param restartCount Node-RED restarts on the current snapshot, as reported, or null
 * @param lastSeenAt the latest heartbeat, or null
 * @param stableHeartbeats consecutive heartbeats with the same snapshot, settings and state and no
 *     new restart
 * @param stateSince since when the device reports this snapshot and state
 */
public record DeviceStatus(
    String deviceId,
    String targetSnapshotId,
    String snapshotId,
    String state,
    Integer restartCount,
    Instant lastSeenAt,
    int stableHeartbeats,
    Instant stateSince,
    String settingsHash,
    String reportedSettingsHash) {}
