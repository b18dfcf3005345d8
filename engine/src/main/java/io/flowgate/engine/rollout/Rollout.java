package io.flowgate.engine.rollout;

import java.time.Instant;

/** A rollout as recorded: what goes to which group, how it is judged, where it is. */
public record Rollout(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String deviceGroupId,
    String deviceGroupName,
    String snapshotId,
    Integer canary,
    String waves,
    int successThreshold,
    int errorThreshold,
    int minFinished,
    String waveTimeout,
    String waitBetweenWaves,
    boolean manualGate,
    boolean autoRollback,
    String callbackUrl,
    String plan,
    int currentWave,
    Instant waveStartedAt,
    Instant rollbackStartedAt,
    String state,
    String stateReason,
    String requestedBy,
    Instant requestedAt,
    String processInstanceId,
    Instant finishedAt,
    String promotionId) {}
