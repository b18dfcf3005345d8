package io.flowgate.engine.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which requests must carry the CSRF token: those that change state on Flowgate's API and are
 * signed in by the session cookie, the one credential a browser sends by itself. Requests with
 * {@code Authorization: Basic} or {@code Bearer} carry their credentials explicitly and need no
 * token; neither does the sign-in itself, nor a request without a signed-in session (it gets 401).
 */
final class SessionCsrfMatcher implements RequestMatcher {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final RequestMatcher API =
      PathPatternRequestMatcher.withDefaults().matcher("/api/**");
  private static final RequestMatcher SIGN_IN =
      PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, SessionController.PATH);

  @Override
  public boolean matches(HttpServletRequest request) {
    if (SAFE_METHODS.contains(request.getMethod())
        || !API.matches(request)
        || SIGN_IN.matches(request)
        || hasExplicitCredentials(request)) {
      return false;
    }
    HttpSession session = request.getSession(false);
    return session != null
        && session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY)
            != null;
  }

  private static boolean hasExplicitCredentials(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    return header != null
        && (header.regionMatches(true, 0, "Basic ", 0, 6)
            || header.regionMatches(true, 0, "Bearer ", 0, 7));
  }
}
