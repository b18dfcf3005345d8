package io.flowgate.engine.team;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.Organization;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class TeamService {

  private final TeamRepository teams;
  private final OrganizationService organizations;
  private final AccessPolicy policy;
  private final CamundaIdentity camunda;
  private final AuditLog audit;
  private final Clock clock;

  TeamService(
      TeamRepository teams,
      OrganizationService organizations,
      AccessPolicy policy,
      CamundaIdentity camunda,
      AuditLog audit,
      Clock clock) {
    this.teams = teams;
    this.organizations = organizations;
    this.policy = policy;
    this.camunda = camunda;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Team create(Caller caller, String organizationId, String requestedName, String slug) {
    Organization organization =
        organizations.get(caller, organizationId, OrganizationAction.MANAGE_TEAMS);
    String name = OrganizationService.requireText("name", TextSanitizer.plain(requestedName));
    if (teams.slugTaken(organization.id(), slug)) {
      throw ApiProblem.conflict(
          "The organization has a team with the slug '" + slug + "'; choose another slug");
    }
    Team team = new Team(Ids.newId(), organization.id(), name, slug, now());
    teams.insert(team, caller.actor());
    camunda.createTeam(team.id(), organization.name() + " / " + name);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "team.created",
            "team",
            team.id(),
            team.organizationId(),
            team.id(),
            Map.of("name", name, "slug", slug)));
    return team;
  }

  /** The team if the caller may see it (404 otherwise), after checking the action (403). */
  @Transactional(readOnly = true)
  public Team get(Caller caller, String teamId, TeamAction action) {
    Team team = teams.find(teamId).orElseThrow(() -> ApiProblem.notFound("Team", teamId));
    policy.require(caller, action, team.organizationId(), team.id());
    return team;
  }

  /** The teams of an organization that the caller may see. */
  @Transactional(readOnly = true)
  public List<Team> list(Caller caller, String organizationId) {
    Organization organization = organizations.get(caller, organizationId, OrganizationAction.READ);
    if (policy.seesAllTeams(caller, organization.id())) {
      return teams.ofOrganization(organization.id());
    }
    return switch (caller) {
      case Caller.Person person ->
          teams.ofOrganizationAndMember(organization.id(), person.username());
      case Caller.Token token -> teams.find(token.teamId()).stream().toList();
    };
  }

  @Transactional(readOnly = true)
  public List<TeamMember> members(Caller caller, String teamId) {
    Team team = get(caller, teamId, TeamAction.READ);
    return teams.members(team.id());
  }

  @Transactional(readOnly = true)
  public TeamMember member(Caller caller, String teamId, String username) {
    Team team = get(caller, teamId, TeamAction.READ);
    return teams
        .member(team.id(), username)
        .orElseThrow(
            () ->
                ApiProblem.notFound("'" + printable(username) + "' is not a member of this team"));
  }

  /** Adds a member or changes their role; the result says which. */
  @Transactional
  public MembershipChange setMember(
      Caller caller, String teamId, String username, TeamRole role, boolean approver) {
    Team team = get(caller, teamId, TeamAction.MANAGE_MEMBERS);
    if (policy.organizationRole(username, team.organizationId()).isEmpty()) {
      throw ApiProblem.notFound(
          "There is no user '"
              + printable(username)
              + "' in this team's organization; an organization admin creates users");
    }
    Instant now = now();
    Optional<TeamMember> previous = teams.member(team.id(), username);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", role.value());
    details.put("approver", approver);
    String action;
    if (previous.isEmpty()) {
      teams.insertMember(team, username, role, approver, now);
      action = "team.member.added";
    } else {
      TeamMember before = previous.get();
      if (before.role() == role && before.approver() == approver) {
        return new MembershipChange(before, false);
      }
      if (before.role() == TeamRole.OWNER
          && role != TeamRole.OWNER
          && teams.countOwners(team.id()) == 1) {
        throw lastOwner();
      }
      teams.updateMember(team.id(), username, role, approver, now);
      details.put("previousRole", before.role().value());
      details.put("previousApprover", before.approver());
      action = "team.member.updated";
    }
    camunda.setTeamMembership(username, team.id(), role, approver);
    audit.record(
        new AuditEvent(
            caller.actor(), action, "user", username, team.organizationId(), team.id(), details));
    TeamMember member = teams.member(team.id(), username).orElseThrow();
    return new MembershipChange(member, previous.isEmpty());
  }

  @Transactional
  public void removeMember(Caller caller, String teamId, String username) {
    Team team = get(caller, teamId, TeamAction.MANAGE_MEMBERS);
    TeamMember member =
        teams
            .member(team.id(), username)
            .orElseThrow(
                () ->
                    ApiProblem.notFound(
                        "'" + printable(username) + "' is not a member of this team"));
    if (member.role() == TeamRole.OWNER && teams.countOwners(team.id()) == 1) {
      throw lastOwner();
    }
    teams.deleteMember(team.id(), username);
    camunda.removeTeamMembership(username, team.id());
    audit.record(
        new AuditEvent(
            caller.actor(),
            "team.member.removed",
            "user",
            username,
            team.organizationId(),
            team.id(),
            Map.of("role", member.role().value(), "approver", member.approver())));
  }

  /** A membership after a PUT, and whether the PUT created it. */
  public record MembershipChange(TeamMember member, boolean created) {}

  private static ApiProblem lastOwner() {
    return ApiProblem.conflict("This is the team's last owner; make another member owner first");
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  private static String printable(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "…" : text.replaceAll("\\p{Cntrl}", "?");
  }
}
