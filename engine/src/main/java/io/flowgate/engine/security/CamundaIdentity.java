package io.flowgate.engine.security;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;
import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import io.flowgate.engine.organization.OrganizationRole;
import io.flowgate.engine.team.TeamRole;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.authorization.TaskPermissions;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.identity.User;
import org.springframework.stereotype.Component;

/**
 * Flowgate's organizations, teams and people in Camunda's identity service, so that Tasklist,
 * Cockpit and {@code /engine-rest} apply the same roles. The one class that writes Camunda users,
 * groups, tenants and authorizations; it runs in the caller's transaction (Camunda shares Spring's
 * transaction manager), so a failed request leaves nothing behind in either place.
 *
 * <p>An organization is a tenant with two groups: {@code org-<id>-members} (everyone in it) and
 * {@code org-<id>-admins}. A team has one group per role ({@code team-<id>-owners}, {@code
 * -members}, {@code -viewers}) and {@code team-<id>-approvers}, the candidate group of its approval
 * tasks. The members group may read process definitions, instances, history and tasks and open
 * Tasklist and Cockpit; the tenant check (on) limits all of it to the organization's tenant, so
 * nothing of another organization is visible. Work on a task comes from being its candidate
 * (Camunda grants that per task), not from these grants.
 */
@Component
public class CamundaIdentity {

  /** The Tasklist filter that Flowgate's settings create at start (camunda.bpm.filter.create). */
  static final String SHARED_FILTER = "All tasks";

  private final IdentityService identity;
  private final AuthorizationService authorizations;
  private final FilterService filters;

  CamundaIdentity(
      IdentityService identity, AuthorizationService authorizations, FilterService filters) {
    this.identity = identity;
    this.authorizations = authorizations;
    this.filters = filters;
  }

  public static String organizationMembersGroup(String organizationId) {
    return "org-" + organizationId + "-members";
  }

  public static String organizationAdminsGroup(String organizationId) {
    return "org-" + organizationId + "-admins";
  }

  public static String teamRoleGroup(String teamId, TeamRole role) {
    return "team-" + teamId + "-" + role.value() + "s";
  }

  /** The candidate group of the team's approval tasks. */
  public static String teamApproversGroup(String teamId) {
    return "team-" + teamId + "-approvers";
  }

  /** The organization's tenant, its groups and what its members may see. */
  public void createOrganization(String organizationId, String name) {
    Tenant tenant = identity.newTenant(organizationId);
    tenant.setName(name);
    identity.saveTenant(tenant);
    String members = organizationMembersGroup(organizationId);
    String admins = organizationAdminsGroup(organizationId);
    saveGroup(members, name + ": members");
    saveGroup(admins, name + ": admins");

    grant(members, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
    grant(members, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
    grant(members, Resources.TENANT, organizationId, Permissions.READ);
    grant(
        members,
        Resources.PROCESS_DEFINITION,
        ANY,
        ProcessDefinitionPermissions.READ,
        ProcessDefinitionPermissions.READ_INSTANCE,
        ProcessDefinitionPermissions.READ_HISTORY,
        ProcessDefinitionPermissions.READ_TASK);
    grant(members, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.READ);
    grant(members, Resources.TASK, ANY, TaskPermissions.READ);
    grant(members, Resources.DECISION_DEFINITION, ANY, Permissions.READ);
    grant(members, Resources.DECISION_REQUIREMENTS_DEFINITION, ANY, Permissions.READ);
    grant(members, Resources.DEPLOYMENT, ANY, Permissions.READ);
    for (Filter filter : filters.createFilterQuery().filterName(SHARED_FILTER).list()) {
      grant(members, Resources.FILTER, filter.getId(), Permissions.READ);
    }
    // operators repair: retry failed jobs in Cockpit, but not change variables or move tokens
    grant(admins, Resources.PROCESS_INSTANCE, ANY, ProcessInstancePermissions.RETRY_JOB);
    grant(admins, Resources.PROCESS_DEFINITION, ANY, ProcessDefinitionPermissions.RETRY_JOB);
  }

  /** The team's role groups and its approvers group. */
  public void createTeam(String teamId, String name) {
    for (TeamRole role : TeamRole.values()) {
      saveGroup(teamRoleGroup(teamId, role), name + ": " + role.value() + "s");
    }
    saveGroup(teamApproversGroup(teamId), name + ": approvers");
  }

  public boolean userExists(String username) {
    return identity.createUserQuery().userId(username).count() > 0;
  }

  /** Whether the user is in Camunda's admin group (a platform administrator). */
  public boolean isPlatformAdmin(String username) {
    return identity.createUserQuery().userId(username).memberOfGroup(Groups.CAMUNDA_ADMIN).count()
        > 0;
  }

  public boolean groupExists(String groupId) {
    return identity.createGroupQuery().groupId(groupId).count() > 0;
  }

  /** A new Camunda user in the organization's tenant and groups. */
  public void createUser(
      String username,
      String password,
      String email,
      String firstName,
      String lastName,
      String organizationId,
      OrganizationRole role) {
    User user = identity.newUser(username);
    user.setPassword(password);
    user.setEmail(email);
    // Tasklist and Cockpit show "first last"; without names they would show "null null"
    boolean named = firstName != null || lastName != null;
    user.setFirstName(named ? firstName : username);
    user.setLastName(named ? lastName : "");
    identity.saveUser(user);
    identity.createTenantUserMembership(organizationId, username);
    identity.createMembership(username, organizationMembersGroup(organizationId));
    setOrganizationRole(username, organizationId, role);
  }

  /** What Camunda knows about a user. */
  public record Profile(String username, String email, String firstName, String lastName) {}

  public Profile profile(String username) {
    User user = identity.createUserQuery().userId(username).singleResult();
    return user == null ? null : profile(user);
  }

  /** The users in an organization's tenant. */
  public List<Profile> profilesOfOrganization(String organizationId) {
    return identity
        .createUserQuery()
        .memberOfTenant(organizationId)
        .orderByUserId()
        .asc()
        .list()
        .stream()
        .map(CamundaIdentity::profile)
        .toList();
  }

  private static Profile profile(User user) {
    return new Profile(user.getId(), user.getEmail(), user.getFirstName(), user.getLastName());
  }

  public void setOrganizationRole(String username, String organizationId, OrganizationRole role) {
    setMember(username, organizationAdminsGroup(organizationId), role == OrganizationRole.ADMIN);
  }

  /** Puts the user in the group of their team role (and no other) and the approvers group. */
  public void setTeamMembership(String username, String teamId, TeamRole role, boolean approver) {
    for (TeamRole each : TeamRole.values()) {
      setMember(username, teamRoleGroup(teamId, each), each == role);
    }
    setMember(username, teamApproversGroup(teamId), approver);
  }

  public void removeTeamMembership(String username, String teamId) {
    for (TeamRole each : TeamRole.values()) {
      setMember(username, teamRoleGroup(teamId, each), false);
    }
    setMember(username, teamApproversGroup(teamId), false);
  }

  private void setMember(String username, String groupId, boolean member) {
    boolean is = identity.createUserQuery().userId(username).memberOfGroup(groupId).count() > 0;
    if (member && !is) {
      identity.createMembership(username, groupId);
    } else if (!member && is) {
      identity.deleteMembership(username, groupId);
    }
  }

  private void saveGroup(String id, String name) {
    Group group = identity.newGroup(id);
    group.setName(name);
    group.setType(Groups.GROUP_TYPE_WORKFLOW);
    identity.saveGroup(group);
  }

  private void grant(String groupId, Resource resource, String resourceId, Permission... granted) {
    Authorization authorization = authorizations.createNewAuthorization(AUTH_TYPE_GRANT);
    authorization.setGroupId(groupId);
    authorization.setResource(resource);
    authorization.setResourceId(resourceId);
    for (Permission permission : granted) {
      authorization.addPermission(permission);
    }
    authorizations.saveAuthorization(authorization);
  }
}
