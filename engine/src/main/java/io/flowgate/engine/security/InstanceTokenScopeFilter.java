package io.flowgate.engine.security;

import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ProblemResponses;
import io.flowgate.engine.web.StreamingRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An instance token ({@code fgi_}) is given to a Node-RED container for its files: it reaches
 * {@code /api/v1/instances/{id}/files} and below, and nothing else Flowgate serves (the API, the
 * engine REST API, the webapps, actuator details) answers it but 403. Which instance's files it may
 * use is checked by {@link AccessPolicy#requireInstanceFiles}.
 */
class InstanceTokenScopeFilter extends OncePerRequestFilter {

  private final ProblemResponses problems;

  InstanceTokenScopeFilter(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof TokenAuthentication token
        && token.getPrincipal().kind() == TokenKind.INSTANCE
        && !StreamingRequests.isInstanceFiles(request)) {
      problems.write(
          request,
          response,
          HttpStatus.FORBIDDEN,
          "An instance token only reaches its instance's files"
              + " (/api/v1/instances/<its id>/files/...); use a team API token or sign in for"
              + " anything else");
      return;
    }
    chain.doFilter(request, response);
  }
}
