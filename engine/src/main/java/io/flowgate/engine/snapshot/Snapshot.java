package io.flowgate.engine.snapshot;

import java.time.Instant;

/** A snapshot's record: what it is called, whose it is, and the address of its content. */
public record Snapshot(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String instanceId,
    String name,
    String description,
    SnapshotKind kind,
    String hash,
    long sizeBytes,
    int nodeCount,
    String nodeRedVersion,
    Instant createdAt,
    String createdBy,
    String processInstanceId) {}
