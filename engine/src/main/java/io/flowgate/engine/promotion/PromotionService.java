package io.flowgate.engine.promotion;

import io.flowgate.engine.approval.FourEyes;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.callback.CallbackUrls;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.Pipeline;
import io.flowgate.engine.pipeline.PipelineService;
import io.flowgate.engine.pipeline.PipelineStage;
import io.flowgate.engine.pipeline.StageAction;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotService;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Promotions as people and integrators see them: requested by team members or API tokens, decided
 * by approvers (people only), read by the team.
 */
@Service
public class PromotionService {

  /** What {@code POST .../promote} answers. */
  public record Accepted(String promotionId, String processInstanceId, String state) {}

  private final PromotionRepository promotions;
  private final PipelineService pipelines;
  private final SnapshotService snapshots;
  private final LiveInstances live;
  private final TeamService teams;
  private final PromotionWorkflow workflow;
  private final ApprovalDesk desk;
  private final FourEyesRules rules;
  private final StageProtection protection;
  private final AuditLog audit;
  private final Clock clock;

  private final CallbackUrls callbackUrls;

  PromotionService(
      PromotionRepository promotions,
      PipelineService pipelines,
      SnapshotService snapshots,
      LiveInstances live,
      TeamService teams,
      PromotionWorkflow workflow,
      ApprovalDesk desk,
      FourEyesRules rules,
      StageProtection protection,
      AuditLog audit,
      Clock clock,
      CallbackUrls callbackUrls) {
    this.protection = protection;
    this.rules = rules;
    this.callbackUrls = callbackUrls;
    this.promotions = promotions;
    this.pipelines = pipelines;
    this.snapshots = snapshots;
    this.live = live;
    this.teams = teams;
    this.workflow = workflow;
    this.desk = desk;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Accepted request(
      Caller caller,
      String pipelineId,
      String stageId,
      String snapshotId,
      String comment,
      String callbackUrl) {
    Pipeline pipeline = pipelines.get(caller, pipelineId);
    teams.get(caller, pipeline.teamId(), TeamAction.WRITE);
    PipelineStage source =
        pipeline
            .stage(stageId)
            .orElseThrow(
                () ->
                    ApiProblem.notFound("Stage '" + stageId + "' is not a stage of the pipeline"));
    PipelineStage target =
        pipelines
            .nextStage(pipeline, stageId)
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "Stage '"
                            + source.name()
                            + "' is the pipeline's last stage: there is no stage to promote to"));
    if (!target.hasTargets()) {
      throw ApiProblem.conflict(
          "Stage '"
              + target.name()
              + "' has no instances or device groups to deploy to; add one to the stage");
    }
    pipelines
        .openChange(pipeline.id())
        .ifPresent(
            change -> {
              // the stage the change weakens must not take flows while its approvers decide on it
              throw ApiProblem.conflict(
                  "Pipeline change "
                      + change
                      + " awaits approval; promotions into the pipeline wait until it is decided"
                      + " or expires");
            });
    String requestedSnapshot = requestedSnapshot(caller, pipeline, source, snapshotId);
    return begin(
        caller,
        pipeline,
        source,
        target,
        target.instances(),
        requestedSnapshot,
        comment,
        callbackUrl,
        Promotion.PROMOTION);
  }

  /**
   * An emergency rollback of one instance of a protected stage: back to the snapshot the latest
   * completed promotion before the one it runs brought it, with one approver other than the
   * requester (the approval-policy table says so). It is a promotion of its own kind, into the
   * instance's stage and from it, through the same process, rules and audit.
   */
  @Transactional
  public Accepted emergencyRollback(Caller caller, String instanceId, String reason) {
    LiveInstances.Target instance =
        live.find(instanceId).orElseThrow(() -> ApiProblem.notFound("Instance", instanceId));
    try {
      teams.get(caller, instance.teamId(), TeamAction.WRITE);
    } catch (ApiProblem problem) {
      throw problem.status() == HttpStatus.NOT_FOUND
          ? ApiProblem.notFound("Instance", instanceId)
          : problem;
    }
    if (reason == null || reason.isBlank()) {
      throw ApiProblem.invalid(
          "reason", "is required: say what went wrong, the approver and the audit log read it");
    }
    StageProtection.ProtectingStage protecting =
        protection
            .ofInstance(instanceId)
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "Instance '"
                            + instance.name()
                            + "' is in no protected stage: roll it back with POST"
                            + " /api/v1/instances/"
                            + instanceId
                            + "/actions/rollback"));
    Pipeline pipeline = pipelines.find(protecting.pipelineId());
    PipelineStage stage = pipeline.stage(protecting.stageId()).orElseThrow();
    String snapshot =
        promotions
            .lastApprovedSnapshot(instanceId, instance.snapshotId())
            .orElseThrow(
                () ->
                    ApiProblem.conflict(
                        "Instance '"
                            + instance.name()
                            + "' has no earlier snapshot that a completed promotion brought it:"
                            + " promote the snapshot it needs through the pipeline"));
    return begin(
        caller,
        pipeline,
        stage,
        stage,
        List.of(instanceId),
        snapshot,
        reason,
        null,
        Promotion.EMERGENCY_ROLLBACK);
  }

  /** Records the promotion with its targets, starts its process and audits the request. */
  private Accepted begin(
      Caller caller,
      Pipeline pipeline,
      PipelineStage source,
      PipelineStage target,
      List<String> targetInstances,
      String requestedSnapshot,
      String comment,
      String callbackUrl,
      String kind) {
    promotions
        .activeInto(target.id())
        .ifPresent(
            active -> {
              throw ApiProblem.conflict(
                  "Promotion "
                      + active.id()
                      + " into stage '"
                      + target.name()
                      + "' is still "
                      + active.state().value()
                      + "; wait until it ends");
            });
    boolean last = pipeline.stages().get(pipeline.stages().size() - 1).id().equals(target.id());
    Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    Promotion promotion =
        new Promotion(
            Ids.newId(),
            pipeline.organizationId(),
            pipeline.teamId(),
            pipeline.id(),
            pipeline.name(),
            source.id(),
            source.name(),
            target.id(),
            target.name(),
            target.isProtected(),
            last,
            target.approverGroup(),
            requestedSnapshot,
            null,
            null,
            null,
            null,
            requester(caller),
            caller instanceof Caller.Token ? caller.actor() : null,
            now,
            comment == null || comment.isBlank() ? null : TextSanitizer.plain(comment),
            callbackUrls.validate(callbackUrl),
            PromotionState.RESOLVING,
            null,
            null,
            null,
            null,
            null,
            null,
            kind);
    promotions.insert(promotion);
    List<String> targetNames = new ArrayList<>();
    int position = 0;
    for (String instanceId : targetInstances) {
      String name = live.find(instanceId).map(LiveInstances.Target::name).orElse(instanceId);
      promotions.insertTarget(promotion.id(), position++, instanceId, name);
      targetNames.add(name);
    }
    String processInstanceId = workflow.start(promotion, variables(promotion, targetNames));
    promotions.setProcess(promotion.id(), processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("kind", kind);
    details.put("pipeline", pipeline.name());
    details.put("from", source.name());
    details.put("to", target.name());
    details.put("processInstanceId", processInstanceId);
    if (requestedSnapshot != null) {
      details.put("snapshotId", requestedSnapshot);
    }
    if (promotion.requestedVia() != null) {
      details.put("onBehalfOf", promotion.requestedBy());
    }
    audit.record(
        event(
            caller.actor(),
            promotion.emergencyRollback()
                ? "promotion.emergency-rollback-requested"
                : "promotion.requested",
            promotion,
            details));
    return new Accepted(promotion.id(), processInstanceId, PromotionState.RESOLVING.value());
  }

  @Transactional(readOnly = true)
  public PromotionView get(Caller caller, String id) {
    return view(visible(caller, id));
  }

  @Transactional(readOnly = true)
  public List<PromotionView> ofPipeline(Caller caller, String pipelineId) {
    Pipeline pipeline = pipelines.get(caller, pipelineId);
    return promotions.ofPipeline(pipeline.id()).stream().map(this::view).toList();
  }

  /**
   * An approver's decision through Flowgate's API: checked here first (a refusal is audited), then
   * completed through the engine like a Tasklist decision, where the listener checks again.
   */
  public PromotionView decide(Caller caller, String id, String decision, String comment) {
    Promotion promotion;
    try {
      promotion = visible(caller, id);
    } catch (ApiProblem notVisible) {
      if (promotions.find(id).isPresent()) {
        // someone outside the team tried: the answer stays 404, the record keeps the attempt
        desk.auditRefusal(id, caller.actor(), "REST", "not a member of the promotion's team");
      }
      throw notVisible;
    }
    if (!(caller instanceof Caller.Person person)) {
      desk.auditRefusal(id, caller.actor(), "REST", "API tokens cannot approve");
      throw ApiProblem.forbidden("Approvals need a person: sign in as the approver");
    }
    try {
      desk.check(promotion, person.username(), decision, comment);
    } catch (ApprovalRefused refused) {
      throw refusal(refused);
    }
    List<String> tasks = workflow.openTasks(promotion.processInstanceId());
    if (tasks.isEmpty()) {
      throw ApiProblem.conflict("The promotion waits for no decision now");
    }
    try {
      workflow.complete(tasks.get(0), person.username(), decision, comment);
    } catch (ApprovalRefused refused) {
      throw refusal(refused);
    }
    return view(promotions.find(id).orElseThrow());
  }

  /** The promotion as the API shows it, for the engine's own use (callbacks). */
  @Transactional(readOnly = true)
  public PromotionView view(String id) {
    return view(promotions.find(id).orElseThrow(() -> ApiProblem.notFound("Promotion", id)));
  }

  /**
   * The person behind a request: an API token acts for the person who created it, so that person
   * can never approve what the token asked for.
   */
  private static String requester(Caller caller) {
    return switch (caller) {
      case Caller.Person person -> person.username();
      case Caller.Token token -> token.createdBy();
    };
  }

  private static ApiProblem refusal(ApprovalRefused refused) {
    return new ApiProblem(
        HttpStatus.FORBIDDEN, "Approval refused", refused.getMessage(), List.of());
  }

  private String requestedSnapshot(
      Caller caller, Pipeline pipeline, PipelineStage source, String snapshotId) {
    boolean given = snapshotId != null && !snapshotId.isBlank();
    if (source.action() != StageAction.PROMPT) {
      if (given) {
        throw ApiProblem.invalid(
            "snapshotId",
            "stage '"
                + source.name()
                + "' chooses its snapshot itself ("
                + source.action().value()
                + "); leave snapshotId out, or change the stage's action to prompt");
      }
      if (source.instances().isEmpty()) {
        throw ApiProblem.conflict(
            "Stage '" + source.name() + "' has no instance to take its snapshot from");
      }
      return null;
    }
    if (!given) {
      throw ApiProblem.invalid(
          "snapshotId", "stage '" + source.name() + "' asks for the snapshot to promote: name it");
    }
    Snapshot snapshot;
    try {
      snapshot = snapshots.get(caller, snapshotId);
    } catch (ApiProblem problem) {
      throw ApiProblem.invalid("snapshotId", "no snapshot with this id is visible to you");
    }
    if (!snapshot.organizationId().equals(pipeline.organizationId())) {
      throw ApiProblem.invalid("snapshotId", "the snapshot belongs to another organization");
    }
    return snapshot.id();
  }

  private Promotion visible(Caller caller, String id) {
    Promotion promotion =
        promotions.find(id).orElseThrow(() -> ApiProblem.notFound("Promotion", id));
    try {
      teams.get(caller, promotion.teamId(), TeamAction.READ);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Promotion", id);
      }
      throw problem;
    }
    return promotion;
  }

  private PromotionView view(Promotion p) {
    List<PromotionView.Decision> decisions =
        promotions.approvals(p.id()).stream()
            .map(
                a -> {
                  Optional<FourEyes.ApproverGrant> grant =
                      rules.grantOf(a.approver(), p.approverGroup(), p.organizationId());
                  return new PromotionView.Decision(
                      a.approver(),
                      a.decision(),
                      a.comment(),
                      a.decidedAt(),
                      grant.map(FourEyes.ApproverGrant::since).orElse(null),
                      grant.map(FourEyes.ApproverGrant::grantedBy).orElse(null),
                      grant.map(FourEyes.ApproverGrant::confirmedBy).orElse(null));
                })
            .toList();
    List<PromotionView.Target> targets =
        promotions.targets(p.id()).stream()
            .map(
                t ->
                    new PromotionView.Target(
                        t.instanceId(), t.instanceName(), t.state(), t.backupSnapshotId()))
            .toList();
    return new PromotionView(
        p.id(),
        p.organizationId(),
        p.teamId(),
        p.pipelineId(),
        p.pipelineName(),
        new PromotionView.Stage(p.sourceStageId(), p.sourceStageName()),
        new PromotionView.Stage(p.targetStageId(), p.targetStageName()),
        p.snapshotId() == null
            ? null
            : new PromotionView.SnapshotRef(p.snapshotId(), p.snapshotHash()),
        p.requestedBy(),
        p.requestedVia(),
        p.requestedAt(),
        p.requestComment(),
        p.state().value(),
        p.stateReason(),
        p.approvalsRequired(),
        p.approverGroup(),
        p.expiresAt(),
        decisions,
        targets,
        p.changeCount(),
        p.diffSummary(),
        p.processInstanceId(),
        p.state() == PromotionState.AWAITING_APPROVAL && p.processInstanceId() != null
            ? workflow.openTasks(p.processInstanceId())
            : List.of(),
        p.finishedAt(),
        p.kind());
  }

  private static Map<String, Object> variables(Promotion promotion, List<String> targetNames) {
    Map<String, Object> variables = formVariables(promotion, targetNames);
    variables.put("promotionId", promotion.id());
    variables.put("organizationId", promotion.organizationId());
    variables.put("teamId", promotion.teamId());
    if (promotion.requestedVia() != null) {
      variables.put("requestedVia", promotion.requestedVia());
    }
    if (promotion.callbackUrl() != null) {
      variables.put("callbackUrl", promotion.callbackUrl());
    }
    return variables;
  }

  /** What the approval form shows of the request, from Flowgate's record of it. */
  static Map<String, Object> formVariables(Promotion promotion, List<String> targetNames) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("pipelineName", promotion.pipelineName());
    variables.put("sourceStageName", promotion.sourceStageName());
    variables.put("targetStageName", promotion.targetStageName());
    variables.put("targetNames", String.join(", ", targetNames));
    variables.put(
        "promotionKind",
        promotion.emergencyRollback()
            ? "Emergency rollback of one instance to its last approved snapshot (one approval)"
            : "Promotion of a snapshot to the next stage");
    variables.put("requestedBy", promotion.requestedBy());
    variables.put(
        "requestComment", promotion.requestComment() == null ? "" : promotion.requestComment());
    return variables;
  }

  static AuditEvent event(
      String actor, String action, Promotion promotion, Map<String, Object> details) {
    return new AuditEvent(
        actor,
        action,
        "promotion",
        promotion.id(),
        promotion.organizationId(),
        promotion.teamId(),
        details);
  }
}
