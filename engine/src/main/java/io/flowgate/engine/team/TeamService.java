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
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

@Service
public class TeamService {

  private final TeamRepository teams;
  private final OrganizationService organizations;
  private final AccessPolicy policy;
  private final CamundaIdentity camunda;
  private final AuditLog audit;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;

  TeamService(
      TeamRepository teams,
      OrganizationService organizations,
      AccessPolicy policy,
      CamundaIdentity camunda,
      AuditLog audit,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
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
    return requireMember(get(caller, teamId, TeamAction.READ), username);
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
    boolean wasApprover = previous.map(TeamMember::approver).orElse(false);
    boolean wasRequested = previous.map(m -> m.approverRequestedBy() != null).orElse(false);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", role.value());
    details.put("approver", approver);
    String action;
    if (previous.isEmpty()) {
      teams.insertMember(team, username, role, now);
      action = "team.member.added";
    } else {
      TeamMember before = previous.get();
      if (before.role() == role && (wasApprover || wasRequested) == approver) {
        return new MembershipChange(before, false);
      }
      if (before.role() == TeamRole.OWNER
          && role != TeamRole.OWNER
          && teams.countOwners(team.id()) == 1) {
        throw lastOwner();
      }
      teams.updateRole(team.id(), username, role, now);
      details.put("previousRole", before.role().value());
      details.put("previousApprover", before.approver());
      action = "team.member.updated";
    }
    if (approver && !wasApprover && !wasRequested) {
      if (organizations.approverGrantsNeedTwoAdmins(team.organizationId())) {
        // takes effect when a second organization admin confirms it
        teams.requestApprover(team.id(), username, caller.actor(), now);
        details.put("approverPending", true);
      } else {
        teams.grantApprover(team.id(), username, caller.actor(), null, now);
      }
    } else if (!approver && (wasApprover || wasRequested)) {
      teams.revokeApprover(team.id(), username, now);
    }
    TeamMember member = teams.member(team.id(), username).orElseThrow();
    camunda.setTeamMembership(username, team.id(), role, member.approver());
    audit.record(
        new AuditEvent(
            caller.actor(), action, "user", username, team.organizationId(), team.id(), details));
    return new MembershipChange(member, previous.isEmpty());
  }

  /**
   * A second organization admin confirms a pending approver grant: neither the admin who asked for
   * it nor the new approver may. A refusal is audited in a transaction of its own.
   */
  @Transactional
  public TeamMember confirmApprover(Caller caller, String teamId, String username) {
    Team team = get(caller, teamId, TeamAction.READ);
    organizations.get(caller, team.organizationId(), OrganizationAction.MANAGE_USERS);
    TeamMember member = requireMember(team, username);
    if (member.approverRequestedBy() == null) {
      throw ApiProblem.conflict(
          "No approver grant for '" + printable(username) + "' waits for confirmation");
    }
    if (caller.actor().equals(member.approverRequestedBy())
        || caller.actor().equals(member.username())) {
      String reason =
          caller.actor().equals(member.username())
              ? "nobody confirms their own approver right"
              : "the admin who asked for the grant cannot also confirm it";
      ownTransaction.executeWithoutResult(
          status ->
              audit.record(
                  new AuditEvent(
                      caller.actor(),
                      "team.member.approver-confirmation-refused",
                      "user",
                      username,
                      team.organizationId(),
                      team.id(),
                      Map.of("reason", reason))));
      throw ApiProblem.forbidden("A second organization admin must confirm the grant: " + reason);
    }
    teams.grantApprover(team.id(), username, member.approverRequestedBy(), caller.actor(), now());
    camunda.setTeamMembership(username, team.id(), member.role(), true);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "team.member.approver-confirmed",
            "user",
            username,
            team.organizationId(),
            team.id(),
            Map.of("requestedBy", member.approverRequestedBy())));
    return teams.member(team.id(), username).orElseThrow();
  }

  @Transactional
  public void removeMember(Caller caller, String teamId, String username) {
    Team team = get(caller, teamId, TeamAction.MANAGE_MEMBERS);
    TeamMember member = requireMember(team, username);
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

  private TeamMember requireMember(Team team, String username) {
    return teams
        .member(team.id(), username)
        .orElseThrow(
            () ->
                ApiProblem.notFound("'" + printable(username) + "' is not a member of this team"));
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
