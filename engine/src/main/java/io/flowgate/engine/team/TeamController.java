package io.flowgate.engine.team;

import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TeamController {

  record CreateTeam(
      @NotBlank(message = "must not be blank") @Size(max = 100, message = "at most 100 characters")
          String name,
      @NotNull(message = "must be given")
          @Pattern(
              regexp = "[a-z0-9]+(-[a-z0-9]+)*",
              message = "use lowercase letters, digits and single hyphens, e.g. line-3")
          @Size(min = 2, max = 63, message = "2 to 63 characters")
          String slug) {}

  record SetMember(
      @NotNull(message = "must be owner, member or viewer") TeamRole role, Boolean approver) {}

  private final TeamService teams;

  TeamController(TeamService teams) {
    this.teams = teams;
  }

  @PostMapping(
      path = "/api/v1/organizations/{organizationId}/teams",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Team> create(
      Caller caller, @PathVariable String organizationId, @Valid @RequestBody CreateTeam body) {
    Team team = teams.create(caller, organizationId, body.name(), body.slug());
    return ResponseEntity.created(URI.create("/api/v1/teams/" + team.id())).body(team);
  }

  @GetMapping("/api/v1/organizations/{organizationId}/teams")
  List<Team> list(Caller caller, @PathVariable String organizationId) {
    return teams.list(caller, organizationId);
  }

  @GetMapping("/api/v1/teams/{id}")
  Team get(Caller caller, @PathVariable String id) {
    return teams.get(caller, id, TeamAction.READ);
  }

  @GetMapping("/api/v1/teams/{id}/members")
  List<TeamMember> members(Caller caller, @PathVariable String id) {
    return teams.members(caller, id);
  }

  @GetMapping("/api/v1/teams/{id}/members/{username}")
  TeamMember member(Caller caller, @PathVariable String id, @PathVariable String username) {
    return teams.member(caller, id, username);
  }

  @PutMapping(
      path = "/api/v1/teams/{id}/members/{username}",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<TeamMember> setMember(
      Caller caller,
      @PathVariable String id,
      @PathVariable String username,
      @Valid @RequestBody SetMember body) {
    TeamService.MembershipChange change =
        teams.setMember(caller, id, username, body.role(), Boolean.TRUE.equals(body.approver()));
    return ResponseEntity.status(change.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .location(URI.create("/api/v1/teams/" + id + "/members/" + change.member().username()))
        .body(change.member());
  }

  /** A second organization admin confirms a pending approver grant. */
  @PostMapping("/api/v1/teams/{id}/members/{username}/approver-confirmation")
  TeamMember confirmApprover(
      Caller caller, @PathVariable String id, @PathVariable String username) {
    return teams.confirmApprover(caller, id, username);
  }

  @DeleteMapping("/api/v1/teams/{id}/members/{username}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void removeMember(Caller caller, @PathVariable String id, @PathVariable String username) {
    teams.removeMember(caller, id, username);
  }
}
