package io.flowgate.engine.security;

import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Checks user name and password against Camunda's identity service, so Flowgate's API, the engine
 * REST API and the Camunda webapps share one set of users. Camunda groups become {@code GROUP_<id>}
 * authorities. Every check goes through the {@link SignInThrottle} first.
 */
@Component
class CamundaUserAuthenticationProvider implements AuthenticationProvider {

  private final IdentityService identityService;
  private final SignInThrottle throttle;

  CamundaUserAuthenticationProvider(IdentityService identityService, SignInThrottle throttle) {
    this.identityService = identityService;
    this.throttle = throttle;
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String user = authentication.getName();
    Object credentials = authentication.getCredentials();
    if (user == null || user.isBlank() || credentials == null) {
      throw new BadCredentialsException("Wrong user name or password");
    }
    String clientAddress = clientAddress(authentication);
    throttle.admit(user, clientAddress);
    if (!identityService.checkPassword(user, credentials.toString())) {
      throttle.failed(user, clientAddress);
      throw new BadCredentialsException("Wrong user name or password");
    }
    throttle.succeeded(user, clientAddress);
    List<GrantedAuthority> authorities =
        identityService.createGroupQuery().groupMember(user).list().stream()
            .map(Group::getId)
            .<GrantedAuthority>map(id -> new SimpleGrantedAuthority("GROUP_" + id))
            .toList();
    return UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
  }

  /** The peer address Spring Security recorded for the request (HTTP Basic, the session login). */
  private static String clientAddress(Authentication authentication) {
    return authentication.getDetails() instanceof WebAuthenticationDetails details
        ? details.getRemoteAddress()
        : null;
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
