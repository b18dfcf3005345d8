package io.flowgate.engine.callback;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The key a team's callback receivers verify signatures with; for the team's owners only. */
@RestController
class CallbackSecretController {

  record CallbackSecret(String secret, String header, String algorithm) {
    CallbackSecret(String secret) {
      this(secret, CallbackSender.SIGNATURE_HEADER, "sha256=hex(HMAC-SHA256(secret, body))");
    }

    @Override
    public String toString() {
      return "CallbackSecret[hidden]";
    }
  }

  private final TeamService teams;
  private final CallbackSecrets secrets;
  private final AuditLog audit;

  CallbackSecretController(TeamService teams, CallbackSecrets secrets, AuditLog audit) {
    this.teams = teams;
    this.secrets = secrets;
    this.audit = audit;
  }

  @GetMapping("/api/v1/teams/{teamId}/callback-secret")
  CallbackSecret get(Caller caller, @PathVariable String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    record(caller, team, "team.callback-secret-read");
    return new CallbackSecret(secrets.of(team.id()));
  }

  @PostMapping("/api/v1/teams/{teamId}/callback-secret/rotate")
  CallbackSecret rotate(Caller caller, @PathVariable String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    record(caller, team, "team.callback-secret-rotated");
    return new CallbackSecret(secrets.rotate(team.id()));
  }

  private void record(Caller caller, Team team, String action) {
    audit.record(
        new AuditEvent(
            caller.actor(), action, "team", team.id(), team.organizationId(), team.id(), Map.of()));
  }
}
