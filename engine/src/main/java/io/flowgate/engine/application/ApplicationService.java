package io.flowgate.engine.application;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class ApplicationService {

  private final ApplicationRepository applications;
  private final TeamService teams;
  private final AuditLog audit;
  private final Clock clock;

  ApplicationService(
      ApplicationRepository applications, TeamService teams, AuditLog audit, Clock clock) {
    this.applications = applications;
    this.teams = teams;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Application create(
      Caller caller, String teamId, String requestedName, String requestedDescription) {
    Team team = teams.get(caller, teamId, TeamAction.WRITE);
    String name = OrganizationService.requireText("name", TextSanitizer.plain(requestedName));
    String description = TextSanitizer.multiline(requestedDescription);
    if (description != null && description.isEmpty()) {
      description = null;
    }
    if (applications.nameTaken(team.id(), name)) {
      throw ApiProblem.conflict(
          "The team has an application named '" + name + "'; choose another name");
    }
    Application application =
        new Application(
            Ids.newId(),
            team.id(),
            name,
            description,
            Instant.now(clock).truncatedTo(ChronoUnit.MICROS),
            caller.actor());
    applications.insert(application);
    audit.record(
        new AuditEvent(
            caller.actor(),
            "application.created",
            "application",
            application.id(),
            team.organizationId(),
            team.id(),
            Map.of("name", name)));
    return application;
  }

  @Transactional(readOnly = true)
  public List<Application> list(Caller caller, String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    return applications.ofTeam(team.id());
  }

  @Transactional(readOnly = true)
  public Application get(Caller caller, String id) {
    return find(caller, id, TeamAction.READ);
  }

  @Transactional
  public void delete(Caller caller, String id) {
    Application application = find(caller, id, TeamAction.WRITE);
    Team team = teams.get(caller, application.teamId(), TeamAction.WRITE);
    if (applications.hasInstances(application.id())) {
      throw ApiProblem.conflict(
          "The application still has instances; delete them first (GET /api/v1/instances?team="
              + team.id()
              + ")");
    }
    if (applications.hasPipelines(application.id())) {
      throw ApiProblem.conflict(
          "The application still has pipelines; delete them first (GET /api/v1/applications/"
              + application.id()
              + "/pipelines)");
    }
    if (applications.hasDevices(application.id())) {
      throw ApiProblem.conflict(
          "The application still has devices or device groups; delete them or move the devices"
              + " to another application first (GET /api/v1/teams/"
              + team.id()
              + "/devices?application="
              + application.id()
              + ")");
    }
    applications.delete(application.id());
    audit.record(
        new AuditEvent(
            caller.actor(),
            "application.deleted",
            "application",
            application.id(),
            team.organizationId(),
            team.id(),
            Map.of("name", application.name())));
  }

  /** The application without access checks, for the engine's own work. */
  @Transactional(readOnly = true)
  public java.util.Optional<Application> find(String id) {
    return applications.find(id);
  }

  private Application find(Caller caller, String id, TeamAction action) {
    Application application =
        applications.find(id).orElseThrow(() -> ApiProblem.notFound("Application", id));
    try {
      teams.get(caller, application.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        // the caller may not know the team, so neither its applications
        throw ApiProblem.notFound("Application", id);
      }
      throw problem;
    }
    return application;
  }
}
