package io.flowgate.engine.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A provisioning token as listed: device agents that hold it register themselves in its team (and
 * in its application, when it names one). The secret was shown once, to its creator.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ProvisioningToken(
    String id,
    String name,
    String teamId,
    String applicationId,
    Instant createdAt,
    String createdBy,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt) {}
