package io.flowgate.engine.instance;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A team's instance quota: members read it, the organization's admins set it. */
@RestController
class TeamQuotaController {

  /** {@code instances}: the team's own quota, or null for the platform default. */
  record QuotaRequest(
      @Min(value = 0, message = "must be 0 or more") @Max(value = 10000, message = "at most 10000")
          Integer instances) {}

  record Quota(int instances, int instancesUsed, boolean platformDefault) {}

  private final TeamService teams;
  private final AccessPolicy policy;
  private final InstanceQuota quota;
  private final AuditLog audit;

  TeamQuotaController(TeamService teams, AccessPolicy policy, InstanceQuota quota, AuditLog audit) {
    this.teams = teams;
    this.policy = policy;
    this.quota = quota;
    this.audit = audit;
  }

  @GetMapping("/api/v1/teams/{teamId}/quota")
  @Transactional(readOnly = true)
  public Quota get(Caller caller, @PathVariable String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    return current(team);
  }

  @PutMapping(path = "/api/v1/teams/{teamId}/quota", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Transactional
  public Quota set(
      Caller caller, @PathVariable String teamId, @Valid @RequestBody QuotaRequest body) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    policy.require(caller, OrganizationAction.MANAGE_TEAMS, team.organizationId());
    quota.set(team.id(), body.instances());
    Map<String, Object> details = new HashMap<>();
    details.put("instances", body.instances() == null ? "platform default" : body.instances());
    audit.record(
        new AuditEvent(
            caller.actor(),
            "team.quota-changed",
            "team",
            team.id(),
            team.organizationId(),
            team.id(),
            details));
    return current(team);
  }

  private Quota current(Team team) {
    Integer own = quota.own(team.id());
    return new Quota(
        own == null ? quota.platformDefault() : own, quota.used(team.id()), own == null);
  }
}
