package io.flowgate.engine.device;

import java.time.Instant;

/** A device's row: the API's view plus what only Flowgate reads (sealed secret, own settings). */
record DeviceRow(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String groupId,
    String name,
    String type,
    String tokenId,
    String sealedCredentialSecret,
    String envJson,
    String nodeRedVersionPin,
    String targetSnapshotId,
    String settingsHash,
    Instant createdAt,
    String createdBy,
    Report report) {

  Device view() {
    return view(report);
  }

  /** The view with a report that may be newer than the row's (from memory). */
  Device view(Report latest) {
    Report r = latest == null ? Report.NONE : latest;
    return new Device(
        id,
        organizationId,
        teamId,
        applicationId,
        groupId,
        name,
        type,
        r.state(),
        r.lastSeenAt(),
        r.agentVersion(),
        r.nodeRedVersion(),
        r.nodejsVersion(),
        r.snapshotId(),
        targetSnapshotId,
        settingsHash,
        r.settings(),
        r.restartCount(),
        r.stableHeartbeats(),
        r.stateSince(),
        createdAt,
        createdBy);
  }

  @Override
  public String toString() {
    return "DeviceRow[" + id + "]";
  }
}
