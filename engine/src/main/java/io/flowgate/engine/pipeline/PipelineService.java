package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import io.flowgate.engine.application.Application;
import io.flowgate.engine.application.ApplicationService;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.pipeline.PipelineRepository.InstanceRef;
import io.flowgate.engine.pipeline.PipelineRepository.PipelineRow;
import io.flowgate.engine.pipeline.PipelineRepository.StageRow;
import io.flowgate.engine.pipeline.PipelineRequest.StageRequest;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamRepository;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pipelines of applications: create, read, change and delete them, and the lookups promotions need.
 * Team viewers read pipelines, members change them; who may not see the team gets 404. A refused
 * request stores nothing, and every change is audited.
 */
@Service
public class PipelineService {

  static final int MAX_STAGES = 20;
  static final int MAX_NAME = 100;
  static final int MAX_STAGE_INSTANCES = 100;

  private static final Pattern APPROVERS_GROUP = Pattern.compile("team-([0-9a-z]{16})-approvers");

  private final PipelineRepository pipelines;
  private final ApplicationService applications;
  private final TeamService teams;
  private final TeamRepository teamRows;
  private final CamundaIdentity camunda;
  private final AuditLog audit;
  private final Clock clock;
  private final PipelineChanges changes;

  private final TransactionTemplate ownTransaction;

  PipelineService(
      PipelineRepository pipelines,
      ApplicationService applications,
      TeamService teams,
      TeamRepository teamRows,
      CamundaIdentity camunda,
      AuditLog audit,
      Clock clock,
      PlatformTransactionManager transactions,
      PipelineChanges changes) {
    this.changes = changes;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.pipelines = pipelines;
    this.applications = applications;
    this.teams = teams;
    this.teamRows = teamRows;
    this.camunda = camunda;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Pipeline create(Caller caller, String applicationId, PipelineRequest request) {
    Application application = applications.get(caller, applicationId);
    Team team = teams.get(caller, application.teamId(), TeamAction.WRITE);
    Draft draft = validate(request, team, application, null);
    pipelines.lockStageTargets();
    requireProtectedTargetsOwnStage(caller, null, team, application, draft.stages());
    requireNoSharedEditorLogin(draft.stages());
    if (pipelines.nameTaken(application.id(), draft.name(), null)) {
      throw nameTaken(draft.name());
    }
    Instant now = now();
    String id = Ids.newId();
    pipelines.insert(
        new PipelineRow(
            id,
            team.organizationId(),
            team.id(),
            application.id(),
            draft.name(),
            now,
            caller.actor(),
            now,
            caller.actor()));
    pipelines.replaceStages(id, draft.stages());
    Pipeline pipeline = pipelines.find(id).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", pipeline.name());
    details.put("applicationId", application.id());
    details.put("stages", stageDetails(pipeline));
    audit.record(event(caller, "pipeline.created", pipeline, details));
    return pipeline;
  }

  @Transactional(readOnly = true)
  public List<Pipeline> list(Caller caller, String applicationId) {
    Application application = applications.get(caller, applicationId);
    return pipelines.ofApplication(application.id());
  }

  /** The pipeline if the caller may read it; 404 for who may not see its team. */
  @Transactional(readOnly = true)
  public Pipeline get(Caller caller, String id) {
    Pipeline pipeline = pipelines.find(id).orElseThrow(() -> notFound(id));
    require(caller, pipeline, TeamAction.READ);
    return pipeline;
  }

  /** What a PUT or DELETE did: done at once, or waiting for approvals as a pipeline change. */
  public sealed interface Edit {
    record Done(Pipeline pipeline) implements Edit {}

    record AwaitingApproval(PipelineChangeView change) implements Edit {}
  }

  /**
   * Replaces the pipeline's name and stages. Stages given with their id keep it (promotions refer
   * to stages by id), stages without one are new, stages left out are deleted with their targets. A
   * change that weakens a bound protected stage is not made: it becomes a pipeline change that
   * waits for the approvals a promotion into that stage needs.
   */
  @Transactional
  public Edit update(Caller caller, String id, PipelineRequest request) {
    Team team =
        require(caller, pipelines.find(id).orElseThrow(() -> notFound(id)), TeamAction.WRITE);
    Pipeline before = pipelines.lock(id).orElseThrow(() -> notFound(id));
    Application application = applications.get(caller, before.applicationId());
    Draft draft = validate(request, team, application, before);
    if (unchanged(before, draft)) {
      return new Edit.Done(before);
    }
    pipelines.lockStageTargets();
    requireProtectedTargetsOwnStage(caller, before, team, application, draft.stages());
    requireNoSharedEditorLogin(draft.stages());
    if (pipelines.nameTaken(application.id(), draft.name(), before.id())) {
      throw nameTaken(draft.name());
    }
    List<ProtectedStageChanges.Weakening> weakenings =
        ProtectedStageChanges.weakenings(
            before, draft.stages(), pipelines.stagesPromotedInto(before.id()));
    if (!weakenings.isEmpty()) {
      return new Edit.AwaitingApproval(
          changes.request(caller, before, PipelineChange.CHANGE, draft.toJson(), weakenings));
    }
    return new Edit.Done(store(caller.actor(), before, draft));
  }

  private Pipeline store(String actor, Pipeline before, Draft draft) {
    pipelines.update(before.id(), draft.name(), now(), actor);
    pipelines.replaceStages(before.id(), draft.stages());
    Pipeline after = pipelines.find(before.id()).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", after.name());
    if (!after.name().equals(before.name())) {
      details.put("previousName", before.name());
    }
    details.put("stagesBefore", before.stages().stream().map(PipelineStage::name).toList());
    details.put("stagesAfter", after.stages().stream().map(PipelineStage::name).toList());
    details.put("stages", stageDetails(after));
    audit.record(event(actor, "pipeline.changed", after, details));
    return after;
  }

  /**
   * Deletes the pipeline, or files its deletion as a pipeline change when that removes a bound
   * protected stage.
   */
  @Transactional
  public Optional<PipelineChangeView> delete(Caller caller, String id) {
    require(caller, pipelines.find(id).orElseThrow(() -> notFound(id)), TeamAction.WRITE);
    Pipeline pipeline = pipelines.lock(id).orElseThrow(() -> notFound(id));
    List<ProtectedStageChanges.Weakening> weakenings =
        ProtectedStageChanges.ofDeletion(pipeline, pipelines.stagesPromotedInto(pipeline.id()));
    if (!weakenings.isEmpty()) {
      return Optional.of(
          changes.request(caller, pipeline, PipelineChange.DELETE, null, weakenings));
    }
    remove(caller.actor(), pipeline);
    return Optional.empty();
  }

  private void remove(String actor, Pipeline pipeline) {
    pipelines.delete(pipeline.id());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", pipeline.name());
    details.put("applicationId", pipeline.applicationId());
    details.put("stages", pipeline.stages().stream().map(PipelineStage::name).toList());
    audit.record(event(actor, "pipeline.deleted", pipeline, details));
  }

  /**
   * Makes an approved pipeline change, if the pipeline is still the one it was approved for.
   *
   * @return why it cannot be made, or empty when it was
   */
  @Transactional
  Optional<String> applyChange(PipelineChange change) {
    Optional<Pipeline> locked = pipelines.lock(change.pipelineId());
    if (locked.isEmpty()) {
      return Optional.of("the pipeline no longer exists");
    }
    Pipeline before = locked.get();
    if (!before.updatedAt().equals(change.pipelineUpdatedAt())) {
      return Optional.of(
          "the pipeline changed since the change was requested (by "
              + before.updatedBy()
              + " at "
              + before.updatedAt()
              + "); request it again");
    }
    String actor = "pipeline-change:" + change.id();
    if (PipelineChange.DELETE.equals(change.kind())) {
      remove(actor, before);
      return Optional.empty();
    }
    Draft draft = Draft.fromJson(change.requested());
    pipelines.lockStageTargets();
    Set<String> targets = new HashSet<>();
    draft.stages().forEach(stage -> targets.addAll(stage.instances()));
    if (pipelines.instances(targets).size() != targets.size()) {
      return Optional.of("an instance the change names no longer exists; request it again");
    }
    List<String> clashes = clashes(before, draft.stages());
    if (!clashes.isEmpty()) {
      return Optional.of(String.join("; ", clashes));
    }
    store(actor, before, draft);
    return Optional.empty();
  }

  /** The pipeline's change awaiting approval, if any: promotions into the pipeline wait for it. */
  public Optional<String> openChange(String pipelineId) {
    return changes.openOf(pipelineId).map(PipelineChange::id);
  }

  /** The pipeline without access checks, for the engine's own work (promotion processes). */
  @Transactional(readOnly = true)
  public Pipeline find(String id) {
    return pipelines.find(id).orElseThrow(() -> notFound(id));
  }

  /**
   * The stage after the given one, or empty when it is the last. A stage id that is not one of the
   * pipeline's is a 404.
   */
  public Optional<PipelineStage> nextStage(Pipeline pipeline, String stageId) {
    List<PipelineStage> stages = pipeline.stages();
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i).id().equals(stageId)) {
        return i + 1 < stages.size() ? Optional.of(stages.get(i + 1)) : Optional.empty();
      }
    }
    throw ApiProblem.notFound("Stage", stageId);
  }

  /** A request after validation: the sanitized name and the stages as they will be stored. */
  private record Draft(String name, List<StageRow> stages) {

    /** The draft as a pipeline change keeps it until it is approved. */
    String toJson() {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (StageRow stage : stages) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", stage.id());
        row.put("position", stage.position());
        row.put("name", stage.name());
        row.put("action", stage.action().value());
        row.put("protected", stage.isProtected());
        row.put("approverGroup", stage.approverGroup());
        row.put("instances", stage.instances());
        row.put("deviceGroups", stage.deviceGroups());
        rows.add(row);
      }
      Map<String, Object> draft = new LinkedHashMap<>();
      draft.put("name", name);
      draft.put("stages", rows);
      return PipelineChangeRepository.write(draft);
    }

    @SuppressWarnings("unchecked")
    static Draft fromJson(String json) {
      Map<String, Object> draft =
          PipelineChangeRepository.read(json, new TypeReference<Map<String, Object>>() {});
      List<StageRow> rows = new ArrayList<>();
      for (Map<String, Object> row : (List<Map<String, Object>>) draft.get("stages")) {
        rows.add(
            new StageRow(
                (String) row.get("id"),
                ((Number) row.get("position")).intValue(),
                (String) row.get("name"),
                StageAction.of((String) row.get("action")),
                (Boolean) row.get("protected"),
                (String) row.get("approverGroup"),
                (List<String>) row.get("instances"),
                (List<String>) row.get("deviceGroups")));
      }
      return new Draft((String) draft.get("name"), rows);
    }
  }

  /**
   * Checks the whole request and reports every wrong field at once. {@code existing} is the
   * pipeline a PUT changes (null for a create): its stages are the ones an {@code id} may name.
   */
  private Draft validate(
      PipelineRequest request, Team team, Application application, Pipeline existing) {
    FieldErrors errors = new FieldErrors();
    String name = text(errors, "name", request.name());
    List<StageRequest> stages = request.stages();
    if (stages == null || stages.isEmpty() || stages.size() > MAX_STAGES) {
      errors.add("stages", "must hold 1 to " + MAX_STAGES + " stages, first to last");
      throw errors.problem();
    }
    Map<String, InstanceRef> instances =
        pipelines.instances(
            stages.stream()
                .filter(Objects::nonNull)
                .flatMap(stage -> instancesOf(stage).stream())
                .filter(Objects::nonNull)
                .toList());
    String teamApprovers = CamundaIdentity.teamApproversGroup(team.id());
    Map<String, Integer> stageOfId = new HashMap<>();
    Map<String, Integer> stageOfName = new HashMap<>();
    Map<String, Integer> stageOfInstance = new HashMap<>();
    List<String> stageNames = new ArrayList<>();
    List<StageRow> rows = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      String field = "stages[" + i + "]";
      StageRequest stage = stages.get(i);
      if (stage == null) {
        errors.add(field, "must be a stage object");
        stageNames.add(null);
        continue;
      }
      String id = stageId(errors, field + ".id", stage.id(), existing, stageOfId, i);
      String stageName = text(errors, field + ".name", stage.name());
      stageNames.add(stageName);
      if (stageName != null) {
        Integer other = stageOfName.putIfAbsent(stageName.toLowerCase(Locale.ROOT), i);
        if (other != null) {
          errors.add(
              field + ".name",
              "'"
                  + stageName
                  + "' is the name of stages["
                  + other
                  + "] too; the stages of a pipeline need different names");
        }
      }
      if (stage.action() == null) {
        errors.add(field + ".action", "is required: create_snapshot, use_latest or prompt");
      }
      List<String> targets =
          targets(errors, field, instancesOf(stage), i, application, instances, stageOfInstance);
      String approverGroup =
          approverGroup(errors, field + ".approverGroup", stage.approverGroup(), team);
      List<String> groups = deviceGroups(errors, field, stage.deviceGroups(), application);
      rows.add(
          new StageRow(
              id,
              i,
              stageName,
              stage.action(),
              Boolean.TRUE.equals(stage.isProtected()),
              teamApprovers.equals(approverGroup) ? null : approverGroup,
              targets,
              groups));
    }
    errors.throwIfAny();
    return new Draft(name, rows);
  }

  /** The stage's device groups, checked: groups of the application, each named once; sorted. */
  private List<String> deviceGroups(
      FieldErrors errors, String field, List<String> requested, Application application) {
    if (requested == null || requested.isEmpty()) {
      return List.of();
    }
    Map<String, String> applications = pipelines.deviceGroupApplications(requested);
    List<String> groups = new ArrayList<>();
    for (int j = 0; j < requested.size(); j++) {
      String groupId = requested.get(j);
      String entry = field + ".deviceGroups[" + j + "]";
      if (groupId == null || !application.id().equals(applications.get(groupId))) {
        errors.add(entry, "must be the id of a device group of the pipeline's application");
      } else if (groups.contains(groupId)) {
        errors.add(entry, "names a device group the stage names already");
      } else {
        groups.add(groupId);
      }
    }
    groups.sort(null);
    return groups;
  }

  private static List<String> instancesOf(StageRequest stage) {
    return stage.instances() == null ? List.of() : stage.instances();
  }

  /** The stage's id: a new one, or (on a PUT) the given id of one of the pipeline's stages. */
  private static String stageId(
      FieldErrors errors,
      String field,
      String given,
      Pipeline existing,
      Map<String, Integer> stageOfId,
      int index) {
    if (given == null) {
      return Ids.newId();
    }
    if (existing == null) {
      errors.add(field, "leave it out: the stages of a new pipeline get new ids");
      return given;
    }
    if (existing.stage(given).isEmpty()) {
      errors.add(
          field,
          "'"
              + printable(given)
              + "' is not a stage of this pipeline; leave the id out to add a new stage");
      return given;
    }
    Integer other = stageOfId.putIfAbsent(given, index);
    if (other != null) {
      errors.add(field, "is the id of stages[" + other + "] too; give each stage's id once");
    }
    return given;
  }

  /** The stage's target instances, checked: instances of the application, one stage each. */
  private static List<String> targets(
      FieldErrors errors,
      String field,
      List<String> requested,
      int index,
      Application application,
      Map<String, InstanceRef> instances,
      Map<String, Integer> stageOfInstance) {
    if (requested.size() > MAX_STAGE_INSTANCES) {
      errors.add(field + ".instances", "at most " + MAX_STAGE_INSTANCES + " instances per stage");
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    List<String> targets = new ArrayList<>();
    for (int j = 0; j < requested.size(); j++) {
      String entry = field + ".instances[" + j + "]";
      String instanceId = requested.get(j);
      if (instanceId == null) {
        errors.add(entry, "must be an instance id");
        continue;
      }
      InstanceRef instance = instances.get(instanceId);
      if (instance == null || !instance.teamId().equals(application.teamId())) {
        // another team's instance is as unknown as one that does not exist
        errors.add(
            entry,
            "there is no instance '"
                + printable(instanceId)
                + "' in application '"
                + application.name()
                + "'; use the id of one of its instances");
        continue;
      }
      if (!instance.applicationId().equals(application.id())) {
        errors.add(
            entry,
            "instance '"
                + instance.name()
                + "' ("
                + instanceId
                + ") belongs to another application of the team; a pipeline's stages target"
                + " instances of its own application");
        continue;
      }
      if ("deleting".equals(instance.state())) {
        errors.add(
            entry,
            "instance '"
                + instance.name()
                + "' ("
                + instanceId
                + ") is being deleted; choose another");
        continue;
      }
      if (!seen.add(instanceId)) {
        errors.add(entry, "instance '" + instance.name() + "' is given twice in this stage");
        continue;
      }
      Integer other = stageOfInstance.putIfAbsent(instanceId, index);
      if (other != null) {
        errors.add(
            entry,
            "instance '"
                + instance.name()
                + "' is a target of stages["
                + other
                + "] already; an instance may be the target of one stage of a pipeline");
        continue;
      }
      targets.add(instanceId);
    }
    return targets.stream().sorted().toList();
  }

  /**
   * The stage's approver group: the approvers group of a team of the pipeline's organization, or
   * (null, blank) the pipeline's team's.
   */
  private String approverGroup(FieldErrors errors, String field, String requested, Team team) {
    String teamApprovers = CamundaIdentity.teamApproversGroup(team.id());
    if (requested == null || requested.isBlank()) {
      return teamApprovers;
    }
    String group = requested.strip();
    if (group.equals(teamApprovers)) {
      return teamApprovers;
    }
    Matcher matcher = APPROVERS_GROUP.matcher(group);
    boolean valid =
        matcher.matches()
            && teamRows
                .find(matcher.group(1))
                .filter(other -> other.organizationId().equals(team.organizationId()))
                .isPresent()
            && camunda.groupExists(group);
    if (!valid) {
      errors.add(
          field,
          "'"
              + printable(group)
              + "' is not the approvers group of a team in this organization; name one as"
              + " team-<team id>-approvers, or leave it out for this team's ("
              + teamApprovers
              + ")");
    }
    return group;
  }

  /** Sanitized one-line text of 1 to {@link #MAX_NAME} characters, or null after an error. */
  private static String text(FieldErrors errors, String field, String requested) {
    String text = TextSanitizer.plain(requested);
    if (text == null || text.isEmpty()) {
      errors.add(
          field,
          requested == null || requested.isBlank()
              ? "is required"
              : "must contain text besides markup and control characters");
      return null;
    }
    if (text.length() > MAX_NAME) {
      errors.add(field, "at most " + MAX_NAME + " characters");
      return null;
    }
    return text;
  }

  /** Whether the draft would store exactly what the pipeline is now. */
  private static boolean unchanged(Pipeline pipeline, Draft draft) {
    if (!pipeline.name().equals(draft.name())
        || pipeline.stages().size() != draft.stages().size()) {
      return false;
    }
    String teamApprovers = CamundaIdentity.teamApproversGroup(pipeline.teamId());
    for (int i = 0; i < draft.stages().size(); i++) {
      PipelineStage now = pipeline.stages().get(i);
      StageRow next = draft.stages().get(i);
      String nextGroup = next.approverGroup() == null ? teamApprovers : next.approverGroup();
      if (!now.id().equals(next.id())
          || !now.name().equals(next.name())
          || now.action() != next.action()
          || now.isProtected() != next.isProtected()
          || !now.approverGroup().equals(nextGroup)
          || !now.instances().equals(next.instances())
          || !now.deviceGroups().equals(next.deviceGroups())) {
        return false;
      }
    }
    return true;
  }

  /**
   * An instance made before personal editor logins still has the Node-RED login that was handed to
   * people: it is protected only once its container was made again with a new login of Flowgate's
   * own (decision record 13), else whoever kept that login could write to production.
   */
  private void requireNoSharedEditorLogin(List<StageRow> stages) {
    List<String> instances =
        stages.stream()
            .filter(StageRow::isProtected)
            .flatMap(stage -> stage.instances().stream())
            .toList();
    List<String> shared = pipelines.instancesWithSharedEditorLogin(instances);
    if (!shared.isEmpty()) {
      throw ApiProblem.conflict(
          "Instance(s) "
              + String.join(", ", shared)
              + " still have the editor login of before personal logins: suspend and start each"
              + " (POST /api/v1/instances/<id>/actions/suspend, then .../start) so that it gets a"
              + " login of Flowgate's own, then protect the stage");
    }
  }

  /**
   * An instance or device group of a protected stage belongs to that stage alone: in a stage of
   * another pipeline, a promotion there would deploy to it under that stage's (weaker) policy.
   * Refused as a weakening, for a new pipeline too.
   */
  private void requireProtectedTargetsOwnStage(
      Caller caller, Pipeline pipeline, Team team, Application application, List<StageRow> stages) {
    List<String> clashes = clashes(pipeline, stages);
    if (clashes.isEmpty()) {
      return;
    }
    if (pipeline != null) {
      throw refuseWeakening(caller, pipeline, "change", clashes);
    }
    throw refuseWeakening(
        caller,
        new AuditEvent(
            caller.actor(),
            "pipeline.change-refused",
            "application",
            application.id(),
            team.organizationId(),
            team.id(),
            Map.of("change", "create a pipeline", "refused", clashes)),
        clashes);
  }

  /**
   * Targets of these stages that a stage of another pipeline shares while either stage is
   * protected, in words. Checked again when an approved change is applied: another pipeline may
   * have taken a target meanwhile.
   */
  private List<String> clashes(Pipeline pipeline, List<StageRow> stages) {
    Map<String, Boolean> protectedTarget = new HashMap<>();
    for (StageRow stage : stages) {
      for (String target : stage.instances()) {
        protectedTarget.put(target, stage.isProtected());
      }
      for (String target : stage.deviceGroups()) {
        protectedTarget.put(target, stage.isProtected());
      }
    }
    List<String> clashes = new ArrayList<>();
    for (PipelineRepository.OtherStage other :
        pipelines.otherStagesTargeting(
            pipeline == null ? null : pipeline.id(), protectedTarget.keySet())) {
      if (other.isProtected() || protectedTarget.get(other.targetId())) {
        clashes.add(
            other.targetId()
                + " is a target of stage '"
                + other.stageName()
                + "' of pipeline '"
                + other.pipelineName()
                + "' too, and a target of a protected stage belongs to that stage alone");
      }
    }
    return clashes;
  }

  /**
   * A change that would weaken a protected stage is refused for everyone, administrators included,
   * and audited in a transaction of its own (the request's is rolled back).
   */
  private ApiProblem refuseWeakening(
      Caller caller, Pipeline pipeline, String change, List<String> weakenings) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("change", change);
    details.put("refused", weakenings);
    return refuseWeakening(
        caller, event(caller, "pipeline.change-refused", pipeline, details), weakenings);
  }

  private ApiProblem refuseWeakening(Caller caller, AuditEvent refusal, List<String> weakenings) {
    ownTransaction.executeWithoutResult(status -> audit.record(refusal));
    return new ApiProblem(
        HttpStatus.FORBIDDEN,
        "Protected stage",
        "The pipeline's protected stages bind everyone who edits it, administrators included: "
            + String.join("; ", weakenings)
            + ". Leave them as they are; renaming, protecting more stages and changing the stages"
            + " before them are allowed.",
        List.of());
  }

  /** The pipeline's team after checking the action; 404 for who may not see the team. */
  private Team require(Caller caller, Pipeline pipeline, TeamAction action) {
    try {
      return teams.get(caller, pipeline.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        // who may not know the team may not know its pipelines
        throw notFound(pipeline.id());
      }
      throw problem;
    }
  }

  private static List<Map<String, Object>> stageDetails(Pipeline pipeline) {
    return pipeline.stages().stream()
        .map(
            stage -> {
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("id", stage.id());
              details.put("name", stage.name());
              details.put("action", stage.action().value());
              details.put("protected", stage.isProtected());
              details.put("approverGroup", stage.approverGroup());
              details.put("instances", stage.instances());
              details.put("deviceGroups", stage.deviceGroups());
              return details;
            })
        .toList();
  }

  private static AuditEvent event(
      Caller caller, String action, Pipeline pipeline, Map<String, Object> details) {
    return event(caller.actor(), action, pipeline, details);
  }

  private static AuditEvent event(
      String actor, String action, Pipeline pipeline, Map<String, Object> details) {
    return new AuditEvent(
        actor,
        action,
        "pipeline",
        pipeline.id(),
        pipeline.organizationId(),
        pipeline.teamId(),
        details);
  }

  private static ApiProblem nameTaken(String name) {
    return ApiProblem.conflict(
        "The application has a pipeline named '" + name + "'; choose another name");
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.notFound("Pipeline", id);
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  private static String printable(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }

  /** Every field error of one request, answered together as one 400. */
  private static final class FieldErrors {
    private final List<ApiProblem.FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
      errors.add(new ApiProblem.FieldError(field, message));
    }

    void throwIfAny() {
      if (!errors.isEmpty()) {
        throw problem();
      }
    }

    ApiProblem problem() {
      String summary =
          errors.stream()
              .map(error -> error.field() + ": " + error.message())
              .collect(Collectors.joining("; "));
      return new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "Invalid input",
          (errors.size() == 1 ? "Fix this field: " : "Fix these fields: ") + summary,
          errors);
    }
  }
}
