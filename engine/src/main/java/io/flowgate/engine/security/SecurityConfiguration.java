package io.flowgate.engine.security;

import io.flowgate.engine.web.ProblemResponses;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Who may reach what. Flowgate's API and Camunda's engine REST API need a Flowgate user; the
 * Camunda webapps under {@code /camunda} run their own login against the same users; health answers
 * everyone with the overall status.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http, ProblemResponses problems, List<AuthenticationProvider> providers)
      throws Exception {
    ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(problems);
    // people (HTTP Basic against Camunda's users) and bearer tokens, through one manager
    AuthenticationManager authenticationManager = new ProviderManager(providers);
    http.authenticationManager(authenticationManager)
        .addFilterBefore(
            new BearerTokenAuthenticationFilter(authenticationManager, entryPoint),
            BasicAuthenticationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
                    .permitAll()
                    // the webapps authenticate with their own session login and CSRF token
                    .requestMatchers("/camunda/**", "/", "/error")
                    .permitAll()
                    .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(entryPoint))
        // API clients send credentials with each request; the webapps have their own CSRF filter
        .csrf(csrf -> csrf.ignoringRequestMatchers("/api/**", "/engine-rest/**", "/camunda/**"))
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()));
    return http.build();
  }

  @Bean
  FilterRegistrationBean<EngineRestIdentityFilter> engineRestIdentityFilter(
      IdentityService identityService, ProblemResponses problems) {
    FilterRegistrationBean<EngineRestIdentityFilter> registration =
        new FilterRegistrationBean<>(new EngineRestIdentityFilter(identityService, problems));
    registration.addUrlPatterns("/engine-rest/*");
    // right after Spring Security, which has authenticated the caller by then
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 1);
    return registration;
  }
}
