package io.flowgate.engine.application;

import java.time.Instant;

/** An application of a team: groups the team's instances, devices and pipelines. */
public record Application(
    String id,
    String teamId,
    String name,
    String description,
    Instant createdAt,
    String createdBy) {}
