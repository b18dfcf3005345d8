package io.flowgate.engine.organization;

import java.time.Instant;

/** An organization: a Camunda tenant of the same id, holding teams and users. */
public record Organization(String id, String name, Instant createdAt) {}
