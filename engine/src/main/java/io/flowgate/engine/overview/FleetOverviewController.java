package io.flowgate.engine.overview;

import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.swagger.v3.oas.annotations.Operation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A team's fleet at a glance: device states counted per group, and its rollouts page by page. */
@RestController
class FleetOverviewController {

  static final int DEFAULT_LIMIT = 20;
  static final int MAX_LIMIT = 200;

  private final TeamService teams;
  private final FleetOverview overview;

  FleetOverviewController(TeamService teams, FleetOverview overview) {
    this.teams = teams;
    this.overview = overview;
  }

  @GetMapping("/api/v1/teams/{teamId}/device-states")
  @Operation(
      summary = "Count the team's devices by state, in all and per device group",
      description =
          "application: only that application's devices. A device no heartbeat has reached yet"
              + " counts as never-seen; devices in no group are in the group with id null.")
  FleetOverview.DeviceStates deviceStates(
      Caller caller,
      @PathVariable String teamId,
      @RequestParam(required = false) String application) {
    teams.get(caller, teamId, TeamAction.READ);
    return overview.deviceStates(teamId, blankToNull(application));
  }

  @GetMapping("/api/v1/teams/{teamId}/rollouts")
  @Operation(
      summary = "List the team's rollouts, newest first, a page at a time",
      description =
          "limit: 1 to 200 (default 20); before: the 'next' of the previous page; application:"
              + " only that application's rollouts. Waves and counts: GET /api/v1/rollouts/{id}.")
  FleetOverview.RolloutPage rollouts(
      Caller caller,
      @PathVariable String teamId,
      @RequestParam(required = false) String application,
      @RequestParam(required = false) String before,
      @RequestParam(required = false) String limit) {
    teams.get(caller, teamId, TeamAction.READ);
    return overview.rollouts(teamId, blankToNull(application), blankToNull(before), limit(limit));
  }

  private static int limit(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
