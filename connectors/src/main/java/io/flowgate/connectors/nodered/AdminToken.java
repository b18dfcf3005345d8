package io.flowgate.connectors.nodered;

import java.time.Instant;
import java.util.Objects;

/**
 * An access token of a Node-RED instance's Admin API.
 *
 * @param accessToken the bearer token; a secret, so {@link #toString()} hides it
 * @param expiresAt when Node-RED stops accepting it
 * @param tokenType what Node-RED calls it ({@code Bearer})
 */
public record AdminToken(String accessToken, Instant expiresAt, String tokenType) {

  public AdminToken {
    Objects.requireNonNull(accessToken, "accessToken");
    tokenType = tokenType == null ? "Bearer" : tokenType;
  }

  public boolean expiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "AdminToken[accessToken=****, expiresAt=" + expiresAt + ", tokenType=" + tokenType + "]";
  }
}
