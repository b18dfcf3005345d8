package io.flowgate.engine.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A device as the API shows it: whose it is, what it should run (target snapshot, settings hash)
 * and what it last reported (state, versions, the snapshot it runs, when it was last seen).
 *
 * @param snapshotId the snapshot the device reported running, or null
 * @param targetSnapshotId the snapshot the device is to run, or null for none
 * @param settingsHash the hash of the settings the device is to run ({@code GET live/settings})
 * @param reportedSettingsHash the settings hash the device reported running, or null
 * @param restartCount how often Node-RED restarted on the device's current snapshot
 * @param stableHeartbeats consecutive heartbeats that reported the same snapshot, settings and
 *     state with no new restart
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Device(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String groupId,
    String name,
    String type,
    String state,
    Instant lastSeenAt,
    String agentVersion,
    String nodeRedVersion,
    String nodejsVersion,
    String snapshotId,
    String targetSnapshotId,
    String settingsHash,
    String reportedSettingsHash,
    Integer restartCount,
    int stableHeartbeats,
    Instant stateSince,
    Instant createdAt,
    String createdBy) {}
