package io.flowgate.engine.security;

import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ProblemResponses;
import io.flowgate.engine.web.StreamingRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tokens that are not API tokens reach one thing each, and everything else Flowgate serves (the
 * API, the engine REST API, the webapps, actuator details) answers them 403:
 *
 * <ul>
 *   <li>an instance token ({@code fgi_}), given to a Node-RED container, reaches {@code
 *       /api/v1/instances/{id}/files} and below; which instance's files it may use is checked by
 *       {@link AccessPolicy#requireInstanceFiles}; and the two requests with which its Node-RED
 *       checks the editor's personal logins ({@code .../editor/logins}, {@code
 *       .../editor/users/<name>}), for its own instance only;
 *   <li>a provisioning token ({@code fgp_}) registers devices ({@code POST /api/v1/devices}); the
 *       device agent first checks with {@code GET /} and the token that Flowgate answers (200 or
 *       204), so that request gets 204 here instead of the way to the webapps;
 *   <li>a device token ({@code fgd_}) is for the device API, which has a filter chain of its own
 *       (see {@link DeviceApiSecurity}): here it reaches nothing.
 * </ul>
 */
class TokenScopeFilter extends OncePerRequestFilter {

  static final String DEVICES = "/api/v1/devices";

  private static final Pattern EDITOR_LOGINS =
      Pattern.compile("/api/v1/instances/[A-Za-z0-9_-]+/editor/logins");
  private static final Pattern EDITOR_USER =
      Pattern.compile("/api/v1/instances/[A-Za-z0-9_-]+/editor/users/[^/;]+");

  private final ProblemResponses problems;

  TokenScopeFilter(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication instanceof TokenAuthentication token) {
      if (token.getPrincipal().kind() == TokenKind.PROVISIONING && isRoot(request)) {
        response.setStatus(HttpStatus.NO_CONTENT.value());
        return;
      }
      String refusal =
          switch (token.getPrincipal().kind()) {
            case API -> null;
            case INSTANCE ->
                StreamingRequests.isInstanceFiles(request) || isEditorLoginCheck(request)
                    ? null
                    : "An instance token only reaches its instance's files"
                        + " (/api/v1/instances/<its id>/files/...) and the check of its editor's"
                        + " logins; use a team API token or sign in for anything else";
            case PROVISIONING ->
                isDeviceRegistration(request)
                    ? null
                    : "A provisioning token only registers devices (POST /api/v1/devices); use a"
                        + " team API token or sign in for anything else";
            case DEVICE ->
                "A device token only reaches its device's API"
                    + " (/api/v1/devices/<its id>/live/...); use a team API token or sign in for"
                    + " anything else";
          };
      if (refusal != null) {
        problems.write(request, response, HttpStatus.FORBIDDEN, refusal);
        return;
      }
    }
    chain.doFilter(request, response);
  }

  /**
   * The two requests with which an instance's Node-RED checks its editor logins: {@code POST
   * .../editor/logins} and {@code GET .../editor/users/<name>}. Which instance is checked by {@code
   * EditorLogins}.
   */
  private static boolean isEditorLoginCheck(HttpServletRequest request) {
    String path = path(request);
    return switch (request.getMethod()) {
      case "POST" -> EDITOR_LOGINS.matcher(path).matches();
      case "GET" -> EDITOR_USER.matcher(path).matches();
      default -> false;
    };
  }

  private static boolean isDeviceRegistration(HttpServletRequest request) {
    return "POST".equals(request.getMethod()) && DEVICES.equals(path(request));
  }

  private static boolean isRoot(HttpServletRequest request) {
    return ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()))
        && "/".equals(path(request));
  }

  private static String path(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context != null && !context.isEmpty() && uri.startsWith(context)
        ? uri.substring(context.length())
        : uri;
  }
}
