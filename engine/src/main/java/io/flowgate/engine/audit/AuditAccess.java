package io.flowgate.engine.audit;

import io.flowgate.engine.organization.OrganizationRepository;
import io.flowgate.engine.organization.OrganizationRole;
import io.flowgate.engine.security.Caller;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The one place that decides who may read and verify the audit log: platform administrators
 * (Camunda's admin group) read everything; an organization's admins read their own organization's
 * entries. The queries restrict themselves to the scope returned here.
 */
@Component
class AuditAccess {

  /**
   * Spring authority of Camunda's admin group ({@code Groups.CAMUNDA_ADMIN}). Spelled out to keep
   * Camunda types out of the feature packages (see DESIGN.md); a test guards that they match.
   */
  static final String PLATFORM_ADMINS = "GROUP_camunda-admin";

  private final OrganizationRepository organizations;

  AuditAccess(OrganizationRepository organizations) {
    this.organizations = organizations;
  }

  /** What the caller may list and export; 403 if nothing. */
  AuditScope readableScope(Authentication caller) {
    if (isPlatformAdmin(caller)) {
      return AuditScope.all();
    }
    if (Caller.of(caller) instanceof Caller.Person person) {
      Optional<String> administered =
          organizations
              .membershipOf(person.username())
              .filter(membership -> membership.role() == OrganizationRole.ADMIN)
              .map(OrganizationRepository.Membership::organizationId);
      if (administered.isPresent()) {
        return AuditScope.of(List.of(administered.get()));
      }
    }
    throw forbidden(
        "The audit log is open to platform administrators, and to organization admins for their"
            + " own organization.");
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
