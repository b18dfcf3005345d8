package io.flowgate.engine.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A database or object store that is down makes requests fail before they reach Spring MVC too
 * (signing in reads users, sessions and tokens): those become the same {@code 503} problem as in
 * {@link ProblemHandler} instead of the servlet container's error page.
 */
class UnavailableFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(UnavailableFilter.class);

  private final ProblemResponses problems;

  UnavailableFilter(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | RuntimeException e) {
      Optional<String> detail = Unavailable.detail(e);
      if (detail.isEmpty() || response.isCommitted()) {
        throw e;
      }
      log.warn(
          "{} {} answered 503: {}", request.getMethod(), request.getRequestURI(), detail.get());
      problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, detail.get());
    }
  }
}
