package io.flowgate.engine.user;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.Organization;
import io.flowgate.engine.organization.OrganizationRepository;
import io.flowgate.engine.organization.OrganizationRole;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class UserService {

  /** What a new user is made of; {@link #toString()} leaves the password out. */
  public record NewUser(
      String username,
      String password,
      String email,
      String firstName,
      String lastName,
      String organizationId,
      OrganizationRole role) {
    @Override
    public String toString() {
      return "NewUser[username=" + username + ", organizationId=" + organizationId + "]";
    }
  }

  private final OrganizationService organizations;
  private final OrganizationRepository organizationRows;
  private final AccessPolicy policy;
  private final CamundaIdentity camunda;
  private final AuditLog audit;
  private final Clock clock;

  UserService(
      OrganizationService organizations,
      OrganizationRepository organizationRows,
      AccessPolicy policy,
      CamundaIdentity camunda,
      AuditLog audit,
      Clock clock) {
    this.organizations = organizations;
    this.organizationRows = organizationRows;
    this.policy = policy;
    this.camunda = camunda;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public UserAccount create(Caller caller, NewUser user) {
    Organization organization =
        organizations.get(caller, user.organizationId(), OrganizationAction.MANAGE_USERS);
    if (camunda.userExists(user.username())) {
      throw ApiProblem.conflict(
          "The user name '" + user.username() + "' is taken; choose another one");
    }
    OrganizationRole role = user.role() == null ? OrganizationRole.MEMBER : user.role();
    String firstName = TextSanitizer.plain(user.firstName());
    String lastName = TextSanitizer.plain(user.lastName());
    organizationRows.insertMember(organization.id(), user.username(), role, Instant.now(clock));
    camunda.createUser(
        user.username(),
        user.password(),
        user.email(),
        firstName,
        lastName,
        organization.id(),
        role);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "user.created",
            "user",
            user.username(),
            organization.id(),
            null,
            Map.of("role", role.value())));
    return new UserAccount(
        user.username(),
        user.username(),
        user.email(),
        firstName,
        lastName,
        organization.id(),
        role);
  }

  @Transactional(readOnly = true)
  public List<UserAccount> list(Caller caller, String organizationId) {
    Organization organization =
        organizations.get(caller, organizationId, OrganizationAction.READ_USERS);
    return camunda.profilesOfOrganization(organization.id()).stream()
        .flatMap(
            profile ->
                policy
                    .organizationRole(profile.username(), organization.id())
                    .map(role -> account(profile, organization.id(), role))
                    .stream())
        .toList();
  }

  @Transactional(readOnly = true)
  public UserAccount get(Caller caller, String username) {
    ApiProblem unknown = ApiProblem.notFound("User", username);
    if (!(caller instanceof Caller.Person person)) {
      throw ApiProblem.forbidden("API tokens may not read users; sign in as a person");
    }
    Optional<OrganizationRepository.Membership> membership =
        organizationRows.membershipOf(username);
    boolean visible =
        person.platformAdmin()
            || person.username().equals(username)
            || membership
                .filter(
                    m -> policy.organizationRole(person.username(), m.organizationId()).isPresent())
                .isPresent();
    CamundaIdentity.Profile profile =
        visible && Ids.isPlausibleUsername(username) ? camunda.profile(username) : null;
    if (profile == null) {
      throw unknown;
    }
    return account(
        profile,
        membership.map(OrganizationRepository.Membership::organizationId).orElse(null),
        membership.map(OrganizationRepository.Membership::role).orElse(null));
  }

  private static UserAccount account(
      CamundaIdentity.Profile profile, String organizationId, OrganizationRole role) {
    return new UserAccount(
        profile.username(),
        profile.username(),
        profile.email(),
        profile.firstName(),
        profile.lastName(),
        organizationId,
        role);
  }
}
