package io.flowgate.engine.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A bearer token that was checked: its principal says what it may act for. No credentials. */
public final class TokenAuthentication extends AbstractAuthenticationToken {

  private final Caller.Token principal;

  public TokenAuthentication(Caller.Token principal) {
    super(List.of(new SimpleGrantedAuthority("TOKEN_" + principal.kind().name())));
    this.principal = principal;
    setAuthenticated(true);
  }

  @Override
  public Object getCredentials() {
    return null;
  }

  @Override
  public Caller.Token getPrincipal() {
    return principal;
  }

  @Override
  public String getName() {
    return principal.actor();
  }
}
