package io.flowgate.engine.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowgate.engine.team.TeamRole;
import java.time.Instant;

/** An API token as listed: everything but the secret, which only its creator saw, once. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ApiToken(
    String id,
    String name,
    String kind,
    String teamId,
    TeamRole role,
    Instant createdAt,
    String createdBy,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt) {}
