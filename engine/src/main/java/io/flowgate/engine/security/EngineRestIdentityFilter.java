package io.flowgate.engine.security;

import io.flowgate.engine.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hands the user that Spring Security authenticated to the process engine for the duration of an
 * {@code /engine-rest} request, so Camunda's authorization checks (tenants, groups) apply to it.
 */
class EngineRestIdentityFilter extends OncePerRequestFilter {

  private final IdentityService identityService;
  private final ProblemResponses problems;

  EngineRestIdentityFilter(IdentityService identityService, ProblemResponses problems) {
    this.identityService = identityService;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !authentication.isAuthenticated()) {
      response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
      return;
    }
    if (authentication instanceof TokenAuthentication) {
      // tokens act for a team in Flowgate's API; Camunda knows nothing of them
      problems.write(
          request,
          response,
          HttpStatus.FORBIDDEN,
          "API tokens are for /api/v1; sign in as a person to use /engine-rest");
      return;
    }
    String user = authentication.getName();
    List<String> groups =
        identityService.createGroupQuery().groupMember(user).list().stream()
            .map(Group::getId)
            .toList();
    List<String> tenants =
        identityService
            .createTenantQuery()
            .userMember(user)
            .includingGroupsOfUser(true)
            .list()
            .stream()
            .map(Tenant::getId)
            .toList();
    identityService.setAuthentication(user, groups, tenants);
    try {
      chain.doFilter(request, response);
    } finally {
      identityService.clearAuthentication();
    }
  }
}
