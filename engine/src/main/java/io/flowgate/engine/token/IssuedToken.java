package io.flowgate.engine.token;

import io.flowgate.engine.team.TeamRole;
import java.time.Instant;

/**
 * A token just made: the one response that holds the secret. Flowgate keeps only its SHA-256, so it
 * cannot show it again. {@link #toString()} leaves it out.
 */
public record IssuedToken(
    String id,
    String name,
    String kind,
    String teamId,
    TeamRole role,
    Instant createdAt,
    Instant expiresAt,
    String token) {
  @Override
  public String toString() {
    return "IssuedToken[id=" + id + ", teamId=" + teamId + ", role=" + role + "]";
  }
}
