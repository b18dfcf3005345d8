package io.flowgate.engine.team;

import java.time.Instant;

/** A team of an organization; its slug is unique within the organization. */
public record Team(String id, String organizationId, String name, String slug, Instant createdAt) {}
