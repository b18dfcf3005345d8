package io.flowgate.engine.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} requests through the same authentication
 * manager as HTTP Basic. A bearer token that does not check out ends the request with 401: it never
 * falls back to anonymous access.
 */
class BearerTokenAuthenticationFilter extends OncePerRequestFilter {

  private static final String BEARER = "Bearer ";

  private final AuthenticationManager authenticationManager;
  private final AuthenticationEntryPoint entryPoint;
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  BearerTokenAuthenticationFilter(
      AuthenticationManager authenticationManager, AuthenticationEntryPoint entryPoint) {
    this.authenticationManager = authenticationManager;
    this.entryPoint = entryPoint;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      chain.doFilter(request, response);
      return;
    }
    String token = header.substring(BEARER.length()).strip();
    Authentication result;
    try {
      result = authenticationManager.authenticate(new BearerTokenAuthenticationRequest(token));
    } catch (AuthenticationException e) {
      contexts.clearContext();
      entryPoint.commence(request, response, e);
      return;
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(result);
    contexts.setContext(context);
    chain.doFilter(request, response);
  }
}
