package io.flowgate.engine.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * The device API that device agents call ({@code /api/v1/devices/{id}/live/...} and {@code
 * /logging/device/{id}/audit}) has a filter chain of its own: its callers present device tokens,
 * which its controller checks against an in-memory cache of the devices (heartbeats come by the
 * thousand a second and must not each look up a token row). Here it gets no session, no CSRF, no
 * HTTP Basic and no other token kinds; every request reaches the controller, which answers 401 for
 * a wrong token and 404 for an unknown device.
 */
@Configuration(proxyBeanMethods = false)
class DeviceApiSecurity {

  /** The paths of the device API, as Spring path patterns. */
  static final String[] PATHS = {"/api/v1/devices/*/live/**", "/logging/device/*/audit"};

  @Bean
  @Order(Ordered.HIGHEST_PRECEDENCE)
  SecurityFilterChain deviceApiFilterChain(HttpSecurity http) throws Exception {
    http.securityMatcher(PATHS)
        .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        .csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .anonymous(AbstractHttpConfigurer::disable)
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.requestCache(new NullRequestCache()))
        .securityContext(
            context ->
                context.securityContextRepository(new RequestAttributeSecurityContextRepository()));
    return http.build();
  }
}
