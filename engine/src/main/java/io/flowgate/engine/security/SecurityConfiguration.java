package io.flowgate.engine.security;

import io.flowgate.engine.web.ProblemResponses;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Who may reach what. Flowgate's API and Camunda's engine REST API need a Flowgate user; the
 * Camunda webapps under {@code /camunda} run their own login against the same users; health answers
 * everyone with the overall status. Flowgate's API takes HTTP Basic, bearer tokens, or the session
 * cookie of {@link SessionController} (with a CSRF token on changes).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  @Bean
  SecurityFilterChain securityFilterChain(
      HttpSecurity http,
      ProblemResponses problems,
      AuthenticationManager authenticationManager,
      CsrfTokenRepository csrfTokens)
      throws Exception {
    ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(problems);
    http.authenticationManager(authenticationManager)
        .addFilterBefore(
            new BearerTokenAuthenticationFilter(authenticationManager, entryPoint),
            BasicAuthenticationFilter.class)
        .addFilterAfter(new TokenScopeFilter(problems), BasicAuthenticationFilter.class)
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
                    .permitAll()
                    // the webapps authenticate with their own session login and CSRF token
                    .requestMatchers("/camunda/**", "/", "/error")
                    .permitAll()
                    // their login page asks on a first visit whether Camunda Run's welcome app
                    // is here: a 404 says no, while a 401 with a Basic challenge would open the
                    // browser's password dialog over the login page
                    .requestMatchers("/camunda-welcome")
                    .permitAll()
                    // the console's files: its page shows a sign-in form, its data comes from the
                    // API with the session
                    .requestMatchers("/console", "/console/**")
                    .permitAll()
                    .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                    .permitAll()
                    // signing in and out; who is signed in (GET) needs a caller
                    .requestMatchers(HttpMethod.POST, SessionController.PATH)
                    .permitAll()
                    .requestMatchers(HttpMethod.DELETE, SessionController.PATH)
                    .permitAll()
                    .anyRequest()
                    .authenticated())
        .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(entryPoint))
        // the session signs callers in on /api/** only (POST /api/v1/session); Basic and bearer
        // callers never get a session
        .securityContext(
            context -> context.securityContextRepository(new ApiSessionSecurityContextRepository()))
        .requestCache(cache -> cache.requestCache(new NullRequestCache()))
        // a CSRF token only where the session cookie signs the caller in: API clients send
        // credentials with each request, and the webapps have their own CSRF filter
        .csrf(
            csrf ->
                csrf.csrfTokenRepository(csrfTokens)
                    // the raw cookie value in X-XSRF-TOKEN, as single-page apps send it
                    .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                    .requireCsrfProtectionMatcher(new SessionCsrfMatcher()))
        .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()));
    return http.build();
  }

  /**
   * A URL Spring Security's firewall refuses ({@code ..} or {@code .} segments, {@code //}, encoded
   * slashes, backslashes, {@code %25}, {@code ;}) is a 400 problem that says what to fix, like
   * every other error, instead of a bare error page.
   */
  @Bean
  WebSecurityCustomizer rejectedRequestsAsProblems(ProblemResponses problems) {
    return web ->
        web.requestRejectedHandler(
            (request, response, rejected) ->
                problems.write(
                    request,
                    response,
                    HttpStatus.BAD_REQUEST,
                    "The URL was refused: it holds a '.' or '..' segment, an empty segment ('//'),"
                        + " an encoded '/', '\\', '%' or ';', or a control character. Paths"
                        + " (also file paths) must be plain segments without these"));
  }

  /** People (user name and password against Camunda's users) and bearer tokens, in one manager. */
  @Bean
  AuthenticationManager authenticationManager(List<AuthenticationProvider> providers) {
    return new ProviderManager(providers);
  }

  /**
   * The {@code XSRF-TOKEN} cookie, readable by the console's script, checked against the header.
   */
  @Bean
  CsrfTokenRepository csrfTokenRepository() {
    return CookieCsrfTokenRepository.withHttpOnlyFalse();
  }

  /** The sign-in throttle in front of the Camunda webapps' own login. */
  @Bean
  FilterRegistrationBean<WebappLoginThrottleFilter> webappLoginThrottleFilter(
      SignInThrottle throttle, ProblemResponses problems) {
    FilterRegistrationBean<WebappLoginThrottleFilter> registration =
        new FilterRegistrationBean<>(new WebappLoginThrottleFilter(throttle, problems));
    registration.addUrlPatterns(WebappLoginThrottleFilter.LOGIN_PATHS);
    // before the webapps' own filters, so a throttled attempt never reaches Camunda
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    return registration;
  }

  /** Engine history queries that span organizations: platform administrators only. */
  @Bean
  FilterRegistrationBean<EngineHistoryGuard> engineHistoryGuard(
      IdentityService identityService, ProblemResponses problems) {
    FilterRegistrationBean<EngineHistoryGuard> registration =
        new FilterRegistrationBean<>(new EngineHistoryGuard(identityService, problems));
    registration.addUrlPatterns(
        EngineHistoryGuard.ENGINE_REST, EngineHistoryGuard.WEBAPP_ENGINE_REST);
    // after EngineRestIdentityFilter, which tells the engine who calls
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 3);
    return registration;
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
