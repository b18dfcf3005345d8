package io.flowgate.engine.organization;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class OrganizationService {

  private final OrganizationRepository organizations;
  private final AccessPolicy policy;
  private final CamundaIdentity camunda;
  private final AuditLog audit;
  private final Clock clock;

  OrganizationService(
      OrganizationRepository organizations,
      AccessPolicy policy,
      CamundaIdentity camunda,
      AuditLog audit,
      Clock clock) {
    this.organizations = organizations;
    this.policy = policy;
    this.camunda = camunda;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Organization create(Caller caller, String requestedName) {
    policy.requireCreateOrganization(caller);
    String name = requireText("name", TextSanitizer.plain(requestedName));
    if (organizations.nameTaken(name)) {
      throw ApiProblem.conflict("An organization named '" + name + "' exists; choose another name");
    }
    Organization organization =
        new Organization(
            Ids.newId(), name, Instant.now(clock).truncatedTo(ChronoUnit.MICROS), false);
    organizations.insert(organization, caller.actor());
    camunda.createOrganization(organization.id(), name);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "organization.created",
            "organization",
            organization.id(),
            organization.id(),
            null,
            Map.of("name", name)));
    return organization;
  }

  /** The organization if the caller may see it (404 otherwise), after checking the action. */
  @Transactional(readOnly = true)
  public Organization get(Caller caller, String id, OrganizationAction action) {
    Organization organization =
        organizations.find(id).orElseThrow(() -> ApiProblem.notFound("Organization", id));
    policy.require(caller, action, organization.id());
    return organization;
  }

  @Transactional(readOnly = true)
  public List<Organization> list(Caller caller) {
    return switch (caller) {
      case Caller.Person person when person.platformAdmin() -> organizations.all();
      case Caller.Person person -> organizations.ofUser(person.username());
      case Caller.Token token -> organizations.find(token.organizationId()).stream().toList();
    };
  }

  /** Makes an organization's user an admin or a plain member. */
  @Transactional
  public OrganizationMember setRole(
      Caller caller, String organizationId, String username, OrganizationRole role) {
    Organization organization = get(caller, organizationId, OrganizationAction.MANAGE_USERS);
    OrganizationRole previous =
        policy
            .organizationRole(username, organization.id())
            .orElseThrow(
                () ->
                    ApiProblem.notFound(
                        "User '"
                            + printable(username)
                            + "' is not in this organization; create the user first"));
    if (previous != role) {
      organizations.updateMemberRole(organization.id(), username, role);
      camunda.setOrganizationRole(username, organization.id(), role);
      audit.record(
          new AuditEvent(
              caller.actor(),
              "organization.member.updated",
              "user",
              username,
              organization.id(),
              null,
              Map.of("role", role.value(), "previousRole", previous.value())));
    }
    return new OrganizationMember(organization.id(), username, role);
  }

  /**
   * Whether approver grants need a second organization admin. An organization admin may ask for it;
   * only the platform administrator may drop it again, since one admin dropping it would undo what
   * it protects against (one admin making approvers alone).
   */
  @Transactional
  public Organization setApproverGrantsNeedTwoAdmins(
      Caller caller, String organizationId, boolean required) {
    Organization organization = get(caller, organizationId, OrganizationAction.MANAGE_USERS);
    if (organization.approverGrantsNeedTwoAdmins() == required) {
      return organization;
    }
    if (!required && !policy.isPlatformAdmin(caller)) {
      throw ApiProblem.forbidden(
          "Only the platform administrator may stop requiring a second admin for approver grants;"
              + " an organization admin alone could otherwise make approvers again");
    }
    organizations.setApproverGrantsNeedTwoAdmins(organization.id(), required);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "organization.settings.changed",
            "organization",
            organization.id(),
            organization.id(),
            null,
            Map.of("approverGrantsNeedTwoAdmins", required)));
    return organizations.find(organization.id()).orElseThrow();
  }

  /** Whether a grant of approver rights in the organization waits for a second admin. */
  @Transactional(readOnly = true)
  public boolean approverGrantsNeedTwoAdmins(String organizationId) {
    return organizations
        .find(organizationId)
        .map(Organization::approverGrantsNeedTwoAdmins)
        .orElse(false);
  }

  /** Sanitized text must still say something. */
  public static String requireText(String field, String sanitized) {
    if (sanitized == null || sanitized.isBlank()) {
      throw ApiProblem.invalid(field, "must contain text besides markup and control characters");
    }
    return sanitized;
  }

  private static String printable(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "…" : text.replaceAll("\\p{Cntrl}", "?");
  }
}
