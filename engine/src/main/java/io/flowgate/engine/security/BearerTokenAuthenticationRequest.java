package io.flowgate.engine.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A bearer token as received, before it is checked. Its {@link #toString()} never shows the token,
 * so it cannot end up in a log line.
 */
public final class BearerTokenAuthenticationRequest extends AbstractAuthenticationToken {

  private String token;

  public BearerTokenAuthenticationRequest(String token) {
    super(List.of());
    this.token = token;
    setAuthenticated(false);
  }

  /** The raw token. */
  public String token() {
    return token;
  }

  @Override
  public Object getCredentials() {
    return token;
  }

  @Override
  public Object getPrincipal() {
    return "bearer token";
  }

  @Override
  public void eraseCredentials() {
    token = null;
    super.eraseCredentials();
  }

  @Override
  public String toString() {
    return "BearerTokenAuthenticationRequest[token=<hidden>]";
  }
}
