package io.flowgate.engine.token;

import io.flowgate.engine.security.BearerTokenAuthenticationRequest;
import io.flowgate.engine.security.TokenAuthentication;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** Checks bearer tokens for Spring Security: the token kinds share this one provider. */
@Component
class TokenAuthenticationProvider implements AuthenticationProvider {

  private final TokenService tokens;

  TokenAuthenticationProvider(TokenService tokens) {
    this.tokens = tokens;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    BearerTokenAuthenticationRequest request = (BearerTokenAuthenticationRequest) authentication;
    return new TokenAuthentication(tokens.authenticate(request.token()));
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationRequest.class.isAssignableFrom(authentication);
  }
}
