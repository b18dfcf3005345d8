package io.flowgate.engine.security;

import io.flowgate.engine.organization.OrganizationRole;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.team.TeamRole;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ApiProblem;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The one place that answers "may this caller do this to that". Every controller asks it before it
 * reads or writes. A caller who may not even know that a resource exists gets 404 (as for an
 * unknown id); one who may see it but not do this gets 403.
 *
 * <p>The rules: platform admins (Camunda's admin group) may do everything. An organization's admins
 * manage its teams and users and act as owner in each of its teams. In a team, viewers read,
 * members also write the team's content (applications, later instances), owners also manage members
 * and tokens. An API token acts in its one team with its role, but member and token management
 * needs a person, so a token cannot make itself a longer-lived successor. An instance token reaches
 * its own instance's files and nothing else.
 */
@Component
public class AccessPolicy {

  /** What a caller wants to do with an organization. */
  public enum OrganizationAction {
    /** See the organization and the teams one may see in it. */
    READ(false, false),
    /** List and look at its users. */
    READ_USERS(true, false),
    /** Create teams. */
    MANAGE_TEAMS(true, true),
    /** Create users and change their organization role. */
    MANAGE_USERS(true, true);

    private final boolean needsPerson;
    private final boolean needsAdmin;

    OrganizationAction(boolean needsPerson, boolean needsAdmin) {
      this.needsPerson = needsPerson;
      this.needsAdmin = needsAdmin;
    }
  }

  /** What a caller wants to do with a team. */
  public enum TeamAction {
    /** See the team, its members and its content. */
    READ(TeamRole.VIEWER, false),
    /** Create, change and delete the team's content (applications, later instances). */
    WRITE(TeamRole.MEMBER, false),
    /** Add, change and remove members. */
    MANAGE_MEMBERS(TeamRole.OWNER, true),
    /** Create, list and revoke API tokens. */
    MANAGE_TOKENS(TeamRole.OWNER, true);

    private final TeamRole minimum;
    private final boolean needsPerson;

    TeamAction(TeamRole minimum, boolean needsPerson) {
      this.minimum = minimum;
      this.needsPerson = needsPerson;
    }
  }

  private final JdbcClient jdbc;

  AccessPolicy(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public boolean isPlatformAdmin(Caller caller) {
    return caller instanceof Caller.Person person && person.platformAdmin();
  }

  /** Creating organizations is for platform admins. */
  public void requireCreateOrganization(Caller caller) {
    if (!isPlatformAdmin(caller)) {
      throw ApiProblem.forbidden("Only platform administrators create organizations");
    }
  }

  /** Throws 404 if the caller may not know the organization, 403 if they may not do this. */
  public void require(Caller caller, OrganizationAction action, String organizationId) {
    if (isPlatformAdmin(caller)) {
      return;
    }
    boolean visible =
        switch (caller) {
          case Caller.Person person ->
              organizationRole(person.username(), organizationId).isPresent();
          case Caller.Token token ->
              token.kind() == TokenKind.API && organizationId.equals(token.organizationId());
        };
    if (!visible) {
      throw ApiProblem.notFound("Organization", organizationId);
    }
    if (action.needsPerson && caller instanceof Caller.Token) {
      throw ApiProblem.forbidden("API tokens may not do this; sign in as a person");
    }
    if (action.needsAdmin && !isOrganizationAdmin(caller, organizationId)) {
      throw ApiProblem.forbidden("Only administrators of the organization may do this");
    }
  }

  /** Throws 404 if the caller may not know the team, 403 if their role does not allow this. */
  public void require(Caller caller, TeamAction action, String organizationId, String teamId) {
    Optional<TeamRole> role = teamRole(caller, organizationId, teamId);
    if (role.isEmpty()) {
      throw ApiProblem.notFound("Team", teamId);
    }
    if (action.needsPerson && caller instanceof Caller.Token) {
      throw ApiProblem.forbidden("API tokens may not do this; a team owner must sign in");
    }
    if (!role.get().includes(action.minimum)) {
      throw ApiProblem.forbidden(
          "Your role in this team is "
              + role.get().value()
              + "; this needs "
              + action.minimum.value()
              + " or higher");
    }
  }

  /**
   * Instance files: the team's viewers read them and members write them (as {@code action} says);
   * the instance's own token reads and writes its own files. Throws 404 if the caller may not know
   * the instance, 403 if their role does not allow this.
   */
  public void requireInstanceFiles(
      Caller caller, TeamAction action, String organizationId, String teamId, String instanceId) {
    if (caller instanceof Caller.Token token && token.kind() == TokenKind.INSTANCE) {
      if (!instanceId.equals(token.subjectId())) {
        throw ApiProblem.notFound("Instance", instanceId);
      }
      return;
    }
    try {
      require(caller, action, organizationId, teamId);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw ApiProblem.notFound("Instance", instanceId);
      }
      throw problem;
    }
  }

  /**
   * The caller's effective role in a team: owner for platform admins and the organization's admins,
   * the membership's role for people, the token's role for its own team.
   */
  public Optional<TeamRole> teamRole(Caller caller, String organizationId, String teamId) {
    return switch (caller) {
      case Caller.Person person when person.platformAdmin() -> Optional.of(TeamRole.OWNER);
      case Caller.Person person -> {
        if (isOrganizationAdmin(caller, organizationId)) {
          yield Optional.of(TeamRole.OWNER);
        }
        yield jdbc.sql("select role from flowgate.team_member where team_id = ? and username = ?")
            .params(teamId, person.username())
            .query(String.class)
            .optional()
            .map(TeamRole::of);
      }
      case Caller.Token token ->
          token.kind() == TokenKind.API && teamId.equals(token.teamId())
              ? Optional.of(token.role())
              : Optional.empty();
    };
  }

  /** Whether the caller sees every team of the organization (not only their own). */
  public boolean seesAllTeams(Caller caller, String organizationId) {
    return isPlatformAdmin(caller) || isOrganizationAdmin(caller, organizationId);
  }

  public boolean isOrganizationAdmin(Caller caller, String organizationId) {
    return caller instanceof Caller.Person person
        && organizationRole(person.username(), organizationId)
            .filter(role -> role == OrganizationRole.ADMIN)
            .isPresent();
  }

  /** A user's role in an organization, if they belong to it. */
  public Optional<OrganizationRole> organizationRole(String username, String organizationId) {
    if (!Ids.isPlausibleUsername(username) || !Ids.isWellFormed(organizationId)) {
      return Optional.empty();
    }
    return jdbc.sql(
            "select role from flowgate.organization_member"
                + " where organization_id = ? and username = ?")
        .params(organizationId, username)
        .query(String.class)
        .optional()
        .map(OrganizationRole::of);
  }
}
