package io.flowgate.engine.workflow.lockdown;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Set;

/**
 * Marks every request that the container routes to a servlet other than Flowgate's own as an {@link
 * OutsideRoute}. It decides by the servlet the container picked, not by the path: whatever
 * encoding, matrix parameter, trailing slash or case a path has, it is Camunda's servlet that
 * serves it or it is not.
 */
final class OutsideRouteFilter implements Filter {

  private final Set<String> ownServlets;

  OutsideRouteFilter(Set<String> ownServlets) {
    this.ownServlets = Set.copyOf(ownServlets);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)) {
      chain.doFilter(request, response);
      return;
    }
    HttpServletMapping mapping = http.getHttpServletMapping();
    String servlet = mapping == null ? null : mapping.getServletName();
    if (servlet != null && ownServlets.contains(servlet)) {
      chain.doFilter(request, response);
      return;
    }
    // no servlet known counts as outside too: only Flowgate's own servlets are trusted
    OutsideRoute route =
        new OutsideRoute(servlet == null ? "unknown" : servlet, http.getMethod(), uri(http));
    OutsideRoute.Scope scope = OutsideRoute.enter(route);
    try {
      chain.doFilter(request, response);
    } finally {
      scope.close();
    }
  }

  private static String uri(HttpServletRequest request) {
    String uri = request.getRequestURI();
    // audit details stay small: an absurdly long URI is cut, never dropped
    return uri.length() > 500 ? uri.substring(0, 500) + "…" : uri;
  }
}
