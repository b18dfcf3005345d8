package io.flowgate.engine.security;

import io.flowgate.engine.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/** 401 and 403 from Spring Security as {@code application/problem+json}. */
class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint, AccessDeniedHandler {

  static final String SIGN_IN =
      "Sign in with HTTP Basic (user name and password) or send 'Authorization: Bearer <API"
          + " token>'; a browser signs in with POST /api/v1/session";

  static final String CSRF =
      "A request signed in by the session cookie that changes something must send the"
          + " XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header";

  private final ProblemResponses problems;

  ProblemAuthenticationEntryPoint(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    if (e instanceof SignInThrottled throttled) {
      response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
      problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, throttled.getMessage());
      return;
    }
    // our providers write messages meant for the caller, never with the credentials in them
    String detail = e instanceof BadCredentialsException ? e.getMessage() : SIGN_IN;
    // a script's request (the console sends X-Requested-With) gets no Basic challenge: the
    // browser would answer it with its own password dialog instead of the page's sign-in form
    if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
      response.setHeader("WWW-Authenticate", "Basic realm=\"Flowgate\"");
    }
    problems.write(request, response, HttpStatus.UNAUTHORIZED, detail);
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    String detail = e instanceof CsrfException ? CSRF : "You are signed in but may not do this";
    problems.write(request, response, HttpStatus.FORBIDDEN, detail);
  }
}
