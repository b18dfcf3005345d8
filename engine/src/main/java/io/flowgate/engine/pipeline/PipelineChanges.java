package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.approval.DecisionRefused;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.pipeline.ProtectedStageChanges.Weakening;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changes of a pipeline that weaken a bound protected stage: requested by a PUT or DELETE of the
 * pipeline, decided by the stage's approvers (people only, never the requester), read by the team.
 *
 * <p>The policy is that of a promotion into a protected stage, fixed here from Flowgate's own rows
 * when the change is requested (two approvals from the stage's approver group, three days): the DMN
 * would answer the same for a protected stage, and a policy read back from process variables is
 * what a modified process instance could forge.
 */
@Service
public class PipelineChanges {

  static final int APPROVALS_REQUIRED = 2;
  static final Duration EXPIRY = Duration.ofDays(3);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PipelineChangeRepository changes;
  private final PipelineRepository pipelines;
  private final PipelineChangeDesk desk;
  private final PipelineChangeWorkflow workflow;
  private final TeamService teams;
  private final AuditLog audit;
  private final Clock clock;

  PipelineChanges(
      PipelineChangeRepository changes,
      PipelineRepository pipelines,
      PipelineChangeDesk desk,
      PipelineChangeWorkflow workflow,
      TeamService teams,
      AuditLog audit,
      Clock clock) {
    this.changes = changes;
    this.pipelines = pipelines;
    this.desk = desk;
    this.workflow = workflow;
    this.teams = teams;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Files a weakening change of the (locked) pipeline and starts its approvals. One protected stage
   * at a time, one open change per pipeline.
   */
  @Transactional
  PipelineChangeView request(
      Caller caller, Pipeline pipeline, String kind, String requested, List<Weakening> found) {
    List<String> groups =
        found.stream().map(w -> w.stage().approverGroup()).distinct().sorted().toList();
    if (groups.size() > 1) {
      throw ApiProblem.conflict(
          "The change weakens protected stages of different approver groups ("
              + String.join(", ", groups)
              + "): one protected stage at a time. Split it into one change per stage.");
    }
    changes
        .openOf(pipeline.id())
        .ifPresent(
            open -> {
              throw ApiProblem.conflict(
                  "Change "
                      + open.id()
                      + " of the pipeline awaits approval; one change at a time: wait until"
                      + " it is decided or expires");
            });
    PipelineStage stage = found.get(0).stage();
    Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    PipelineChange change =
        new PipelineChange(
            Ids.newId(),
            pipeline.organizationId(),
            pipeline.teamId(),
            pipeline.id(),
            pipeline.name(),
            kind,
            requested,
            pipeline.updatedAt(),
            found.stream().map(Weakening::text).toList(),
            stage.id(),
            stage.name(),
            APPROVALS_REQUIRED,
            stage.approverGroup(),
            now.plus(EXPIRY),
            requester(caller),
            caller instanceof Caller.Token ? caller.actor() : null,
            now,
            PipelineChange.AWAITING_APPROVAL,
            null,
            null,
            null);
    changes.insert(change);
    String processInstanceId = workflow.start(change, variables(change));
    changes.setProcess(change.id(), processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("changeId", change.id());
    details.put("kind", kind);
    details.put("weakenings", change.weakenings());
    details.put("approverGroup", change.approverGroup());
    details.put("processInstanceId", processInstanceId);
    if (change.requestedVia() != null) {
      details.put("onBehalfOf", change.requestedBy());
    }
    audit.record(
        PipelineChangeDesk.event(caller.actor(), "pipeline.change-requested", change, details));
    return view(changes.find(change.id()).orElseThrow());
  }

  /** The pipeline's change awaiting approval, if any. */
  Optional<PipelineChange> openOf(String pipelineId) {
    return changes.openOf(pipelineId);
  }

  @Transactional(readOnly = true)
  public PipelineChangeView get(Caller caller, String id) {
    return view(visible(caller, id));
  }

  @Transactional(readOnly = true)
  public List<PipelineChangeView> ofPipeline(Caller caller, String pipelineId) {
    Pipeline pipeline =
        pipelines.find(pipelineId).orElseThrow(() -> ApiProblem.notFound("Pipeline", pipelineId));
    readable(caller, pipeline.teamId(), () -> ApiProblem.notFound("Pipeline", pipelineId));
    return changes.ofPipeline(pipeline.id()).stream().map(this::view).toList();
  }

  /**
   * An approver's decision through Flowgate's API: checked here first (a refusal is audited), then
   * completed through the engine like a Tasklist decision, where the listener checks again.
   */
  public PipelineChangeView decide(Caller caller, String id, String decision, String comment) {
    PipelineChange change;
    try {
      change = visible(caller, id);
    } catch (ApiProblem notVisible) {
      changes
          .find(id)
          .ifPresent(
              hidden ->
                  desk.auditRefusal(hidden, caller.actor(), "not a member of the change's team"));
      throw notVisible;
    }
    if (!(caller instanceof Caller.Person person)) {
      desk.auditRefusal(change, caller.actor(), "API tokens cannot approve");
      throw ApiProblem.forbidden("Approvals need a person: sign in as the approver");
    }
    try {
      desk.check(change, person.username(), decision, comment);
      List<String> tasks = workflow.openTasks(change.processInstanceId());
      if (tasks.isEmpty()) {
        throw ApiProblem.conflict("The change waits for no decision now");
      }
      workflow.complete(tasks.get(0), person.username(), decision, comment);
    } catch (DecisionRefused refused) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN, "Approval refused", refused.getMessage(), List.of());
    }
    return view(changes.find(id).orElseThrow());
  }

  /** The person behind a request: an API token acts for the person who created it. */
  private static String requester(Caller caller) {
    return switch (caller) {
      case Caller.Person person -> person.username();
      case Caller.Token token -> token.createdBy() == null ? token.actor() : token.createdBy();
    };
  }

  private PipelineChange visible(Caller caller, String id) {
    PipelineChange change =
        changes.find(id).orElseThrow(() -> ApiProblem.notFound("Pipeline change", id));
    readable(caller, change.teamId(), () -> ApiProblem.notFound("Pipeline change", id));
    return change;
  }

  private void readable(
      Caller caller, String teamId, java.util.function.Supplier<ApiProblem> notFound) {
    try {
      teams.get(caller, teamId, TeamAction.READ);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw notFound.get();
      }
      throw problem;
    }
  }

  private PipelineChangeView view(PipelineChange c) {
    List<PipelineChangeView.Decision> decisions =
        changes.decisions(c.id()).stream()
            .map(
                d -> {
                  var grant = desk.grantOf(c, d.approver());
                  return new PipelineChangeView.Decision(
                      d.approver(),
                      d.decision(),
                      d.comment(),
                      d.decidedAt(),
                      grant.map(g -> g.since()).orElse(null),
                      grant.map(g -> g.grantedBy()).orElse(null));
                })
            .toList();
    return new PipelineChangeView(
        c.id(),
        c.pipelineId(),
        c.pipelineName(),
        c.kind(),
        c.state(),
        c.stateReason(),
        c.weakenings(),
        parse(c.requested()),
        c.stageId(),
        c.stageName(),
        c.approvalsRequired(),
        c.approverGroup(),
        c.requestedBy(),
        c.requestedVia(),
        c.requestedAt(),
        c.expiresAt(),
        decisions,
        PipelineChange.AWAITING_APPROVAL.equals(c.state()) && c.processInstanceId() != null
            ? workflow.openTasks(c.processInstanceId())
            : List.of(),
        c.processInstanceId(),
        c.finishedAt());
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> variables(PipelineChange change) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("changeId", change.id());
    variables.put("organizationId", change.organizationId());
    variables.put("teamId", change.teamId());
    variables.put("pipelineName", change.pipelineName());
    variables.put("stageName", change.stageName());
    variables.put("weakenings", String.join("\n", change.weakenings()));
    variables.put("requestedBy", change.requestedBy());
    variables.put("approvalsRequired", change.approvalsRequired());
    variables.put("approverGroupId", change.approverGroup());
    variables.put("approvalExpiry", "P3D");
    variables.put("changeRejected", false);
    return variables;
  }
}
