package io.flowgate.engine.audit;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The one place that decides who may read and verify the audit log. For now only platform
 * administrators (Camunda's admin group) may; to open the log to organization admins for their own
 * organization, return {@link AuditScope#of} their organizations from {@link #readableScope}: the
 * queries already restrict themselves to the scope, and the controller does not change.
 */
@Component
class AuditAccess {

  /**
   * Spring authority of Camunda's admin group ({@code Groups.CAMUNDA_ADMIN}). Spelled out to keep
   * Camunda types out of the feature packages (see DESIGN.md); a test guards that they match.
   */
  static final String PLATFORM_ADMINS = "GROUP_camunda-admin";

  /** What the caller may list and export; 403 if nothing. */
  AuditScope readableScope(Authentication caller) {
    if (isPlatformAdmin(caller)) {
      return AuditScope.all();
    }
    throw forbidden("The audit log is open to platform administrators only.");
  }

  /**
   * Verifying walks the whole chain, every organization's entries included, so it stays with
   * platform administrators even when reading opens up.
   */
  void checkMayVerify(Authentication caller) {
    if (!isPlatformAdmin(caller)) {
      throw forbidden("Verifying the audit chain is for platform administrators only.");
    }
  }

  private static boolean isPlatformAdmin(Authentication caller) {
    return caller != null
        && caller.isAuthenticated()
        && caller.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .anyMatch(PLATFORM_ADMINS::equals);
  }

  private static ErrorResponseException forbidden(String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, detail);
    return new ErrorResponseException(HttpStatus.FORBIDDEN, problem, null);
  }
}
