package io.flowgate.engine.platform;

import java.time.Instant;
import java.util.UUID;

/** This Flowgate installation: made on the first start, found again on every later one. */
public record Installation(UUID id, Instant createdAt, String version) {}
