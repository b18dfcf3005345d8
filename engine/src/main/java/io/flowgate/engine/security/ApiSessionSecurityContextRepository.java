package io.flowgate.engine.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.DeferredSecurityContext;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Security's usual repository (request attribute, then HTTP session), except that the
 * session signs callers in on Flowgate's API ({@code /api/**}) only: the engine REST API and the
 * Camunda webapps keep authenticating exactly as before (HTTP Basic or bearer token, and the
 * webapps' own session login).
 */
@SuppressWarnings("deprecation") // loadContext is deprecated but still part of the interface
final class ApiSessionSecurityContextRepository implements SecurityContextRepository {

  private static final RequestMatcher API =
      PathPatternRequestMatcher.withDefaults().matcher("/api/**");

  private final RequestAttributeSecurityContextRepository attributes =
      new RequestAttributeSecurityContextRepository();
  private final SecurityContextRepository withSession =
      new DelegatingSecurityContextRepository(
          attributes, new HttpSessionSecurityContextRepository());

  @Override
  public DeferredSecurityContext loadDeferredContext(HttpServletRequest request) {
    return API.matches(request)
        ? withSession.loadDeferredContext(request)
        : attributes.loadDeferredContext(request);
  }

  @Override
  @Deprecated
  public SecurityContext loadContext(HttpRequestResponseHolder holder) {
    return loadDeferredContext(holder.getRequest()).get();
  }

  @Override
  public void saveContext(
      SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
    withSession.saveContext(context, request, response);
  }

  @Override
  public boolean containsContext(HttpServletRequest request) {
    return API.matches(request)
        ? withSession.containsContext(request)
        : attributes.containsContext(request);
  }
}
