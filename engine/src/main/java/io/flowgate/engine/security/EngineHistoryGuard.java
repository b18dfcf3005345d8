package io.flowgate.engine.security;

import io.flowgate.engine.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.webapp.impl.security.auth.AuthenticationUtil;
import org.camunda.bpm.webapp.impl.security.auth.Authentications;
import org.camunda.bpm.webapp.impl.security.auth.UserAuthentication;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Engine history queries that Camunda's tenant check does not confine, refused to everyone but
 * platform administrators. Flowgate's models are shared by all organizations (each instance has its
 * organization's tenant), and:
 *
 * <ul>
 *   <li>the activity statistics of a model's history ({@code
 *       history/process-definition/<id>/statistics}) have no tenant check at all: they count every
 *       organization's running instances. Cockpit does not use them; refused on both the engine
 *       REST API and the webapps' copy of it.
 *   <li>the user-operation log ({@code history/user-operation}) shows every entry without a tenant
 *       to every user, and such entries (batches, operations on a shared model's jobs) may concern
 *       any organization's processes. Refused on {@code /engine-rest}; the webapps' copy stays,
 *       because Tasklist shows a task's history from it (entries of the user's own tenants).
 * </ul>
 */
class EngineHistoryGuard extends OncePerRequestFilter {

  static final String ENGINE_REST = "/engine-rest/*";
  static final String WEBAPP_ENGINE_REST = "/camunda/api/engine/*";

  private static final Pattern STATISTICS =
      Pattern.compile(".*/history/process-definition/[^/]+/statistics/?");
  private static final Pattern OPERATION_LOG = Pattern.compile(".*/history/user-operation(/.*)?");
  private static final Pattern WEBAPP_ENGINE =
      Pattern.compile("/camunda/api/engine/engine/([^/]+)/.*");

  private final IdentityService identity;
  private final ProblemResponses problems;

  EngineHistoryGuard(IdentityService identity, ProblemResponses problems) {
    this.identity = identity;
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    boolean webapp = path.startsWith("/camunda/");
    boolean guarded =
        STATISTICS.matcher(path).matches() || !webapp && OPERATION_LOG.matcher(path).matches();
    if (guarded && !platformAdmin(request, path, webapp)) {
      problems.write(
          request,
          response,
          HttpStatus.FORBIDDEN,
          "This engine history query spans every organization, so it is for platform"
              + " administrators only. See your organization's processes and their history per"
              + " process instance in Cockpit, or through /api/v1");
      return;
    }
    chain.doFilter(request, response);
  }

  private boolean platformAdmin(HttpServletRequest request, String path, boolean webapp) {
    List<String> groups;
    if (webapp) {
      groups = webappGroups(request, path);
    } else {
      Authentication current = identity.getCurrentAuthentication();
      groups = current == null || current.getGroupIds() == null ? List.of() : current.getGroupIds();
    }
    return groups.contains(Groups.CAMUNDA_ADMIN);
  }

  /** The groups of whoever is signed in to the webapps for the engine named in the path. */
  private static List<String> webappGroups(HttpServletRequest request, String path) {
    HttpSession session = request.getSession(false);
    Matcher engine = WEBAPP_ENGINE.matcher(path);
    if (session == null || !engine.matches()) {
      return List.of();
    }
    Authentications authentications = AuthenticationUtil.getAuthsFromSession(session);
    if (authentications != null
        && authentications.getAuthenticationForProcessEngine(engine.group(1))
            instanceof UserAuthentication user
        && user.getGroupIds() != null) {
      return user.getGroupIds();
    }
    return List.of();
  }
}
