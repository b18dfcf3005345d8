package io.flowgate.engine.security;

import io.flowgate.engine.web.BufferedBodyRequest;
import io.flowgate.engine.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The same {@link SignInThrottle} on the login of Tasklist, Cockpit and Admin ({@code POST
 * /camunda/api/admin/auth/user/{engine}/login/{app}}), which checks the password in Camunda's own
 * code: an attempt that must wait is answered 429 before Camunda sees it, and Camunda's answer (401
 * wrong password, 200 signed in) is counted.
 */
class WebappLoginThrottleFilter extends OncePerRequestFilter {

  static final String LOGIN_PATHS = "/camunda/api/admin/auth/user/*";
  private static final Pattern LOGIN =
      Pattern.compile("/camunda/api/admin/auth/user/[^/]+/login/.*");

  /** A login form is a user name and a password; anything bigger is not one. */
  private static final int MAX_FORM_BYTES = 16 * 1024;

  private final SignInThrottle throttle;
  private final ProblemResponses problems;

  WebappLoginThrottleFilter(SignInThrottle throttle, ProblemResponses problems) {
    this.throttle = throttle;
    this.problems = problems;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || !LOGIN
            .matcher(request.getRequestURI().substring(request.getContextPath().length()))
            .matches();
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    byte[] form = request.getInputStream().readNBytes(MAX_FORM_BYTES + 1);
    if (form.length > MAX_FORM_BYTES) {
      problems.write(
          request,
          response,
          HttpStatus.PAYLOAD_TOO_LARGE,
          "A login form holds a user name and a password; send at most 16 KiB");
      return;
    }
    String user = username(new String(form, StandardCharsets.ISO_8859_1));
    String clientAddress = request.getRemoteAddr();
    try {
      throttle.admit(user, clientAddress);
    } catch (SignInThrottled throttled) {
      response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
      problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, throttled.getMessage());
      return;
    }
    chain.doFilter(new BufferedBodyRequest(request, form), response);
    if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
      throttle.failed(user, clientAddress);
    } else if (response.getStatus() == HttpServletResponse.SC_OK) {
      throttle.succeeded(user, clientAddress);
    }
  }

  /** The {@code username} field of a URL-encoded form, or "" when it has none. */
  static String username(String form) {
    for (String pair : form.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      if ("username".equals(URLDecoder.decode(name, StandardCharsets.UTF_8))) {
        try {
          return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return "";
        }
      }
    }
    return "";
  }
}
