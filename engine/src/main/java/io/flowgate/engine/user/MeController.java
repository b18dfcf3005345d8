package io.flowgate.engine.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.TeamRole;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.workflow.CamundaWebapps;
import io.swagger.v3.oas.annotations.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the caller is and what they may do: their organizations, the teams they see with their
 * effective role in each (owner for organization and platform admins), and where Tasklist and
 * Cockpit are. The console hides what a role does not allow; the API refuses it anyway.
 */
@RestController
class MeController {

  record Me(
      String username,
      boolean platformAdmin,
      List<OrganizationRef> organizations,
      List<TeamRef> teams,
      Links links) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record OrganizationRef(String id, String name, String role) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record TeamRef(String id, String organizationId, String name, String slug, String role) {}

  record Links(String tasklist, String cockpit) {}

  private final OrganizationService organizations;
  private final TeamService teams;
  private final AccessPolicy policy;
  private final CamundaWebapps webapps;

  MeController(
      OrganizationService organizations,
      TeamService teams,
      AccessPolicy policy,
      CamundaWebapps webapps) {
    this.organizations = organizations;
    this.teams = teams;
    this.policy = policy;
    this.webapps = webapps;
  }

  @GetMapping("/api/v1/me")
  @Operation(summary = "The caller, their organizations and teams with their role in each")
  Me me(Caller caller) {
    List<OrganizationRef> orgs = new ArrayList<>();
    List<TeamRef> visible = new ArrayList<>();
    for (var organization : organizations.list(caller)) {
      String orgRole =
          switch (caller) {
            case Caller.Person person ->
                policy
                    .organizationRole(person.username(), organization.id())
                    .map(role -> role.name().toLowerCase(Locale.ROOT))
                    .orElse(person.platformAdmin() ? "admin" : null);
            case Caller.Token token -> null;
          };
      orgs.add(new OrganizationRef(organization.id(), organization.name(), orgRole));
      for (var team : teams.list(caller, organization.id())) {
        String role =
            policy.teamRole(caller, organization.id(), team.id()).map(TeamRole::value).orElse(null);
        visible.add(new TeamRef(team.id(), organization.id(), team.name(), team.slug(), role));
      }
    }
    return switch (caller) {
      case Caller.Person person ->
          new Me(
              person.username(),
              person.platformAdmin(),
              orgs,
              visible,
              new Links(webapps.tasklist(), webapps.cockpit()));
      case Caller.Token token ->
          new Me(
              token.actor(),
              false,
              orgs,
              visible,
              new Links(webapps.tasklist(), webapps.cockpit()));
    };
  }
}
