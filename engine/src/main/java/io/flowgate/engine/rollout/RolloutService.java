package io.flowgate.engine.rollout;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.callback.CallbackUrls;
import io.flowgate.engine.device.DeviceGroup;
import io.flowgate.engine.device.DeviceGroupService;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotService;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Rollouts as teams see them: started on a device group, watched per wave, paused or aborted. */
@Service
public class RolloutService {

  /** What {@code POST .../rollouts} answers. */
  public record Accepted(String id, String processInstanceId, String state) {}

  /** How often a running wave is judged: a wave ends at most this long after its last device. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  private final RolloutRepository rollouts;
  private final DeviceGroupService groups;
  private final SnapshotService snapshots;
  private final TeamService teams;
  private final RolloutWorkflow workflow;
  private final AuditLog audit;
  private final Clock clock;

  private final CallbackUrls callbackUrls;

  RolloutService(
      RolloutRepository rollouts,
      DeviceGroupService groups,
      SnapshotService snapshots,
      TeamService teams,
      RolloutWorkflow workflow,
      AuditLog audit,
      Clock clock,
      CallbackUrls callbackUrls) {
    this.callbackUrls = callbackUrls;
    this.rollouts = rollouts;
    this.groups = groups;
    this.snapshots = snapshots;
    this.teams = teams;
    this.workflow = workflow;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public Accepted start(Caller caller, String groupId, RolloutRequest request) {
    DeviceGroup group = groups.get(caller, groupId);
    teams.get(caller, group.teamId(), TeamAction.WRITE);
    groups.checkRolloutAllowed(caller, group);
    Snapshot snapshot;
    try {
      snapshot = snapshots.get(caller, request.snapshotId());
    } catch (ApiProblem problem) {
      throw ApiProblem.invalid("snapshotId", "no snapshot with this id is visible to you");
    }
    if (!snapshot.applicationId().equals(group.applicationId())) {
      throw ApiProblem.invalid(
          "snapshotId", "the snapshot belongs to another application than the device group");
    }
    try {
      WavePlan.of(group.deviceIds().size(), request.canary(), request.waves());
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("waves", e.getMessage());
    }
    Duration waveTimeout = duration("waveTimeout", request.waveTimeout(), Duration.ofMinutes(10));
    Duration waitBetween = duration("waitBetweenWaves", request.waitBetweenWaves(), Duration.ZERO);
    if (rollouts.activeFor(group.id())) {
      throw ApiProblem.conflict(
          "A rollout to device group '" + group.name() + "' is still running; wait or abort it");
    }
    Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    Rollout rollout =
        new Rollout(
            Ids.newId(),
            group.organizationId(),
            group.teamId(),
            group.applicationId(),
            group.id(),
            group.name(),
            snapshot.id(),
            request.canary(),
            RolloutSteps.write(request.waves()),
            request.successThreshold() == null ? 100 : request.successThreshold(),
            request.errorThreshold() == null ? 0 : request.errorThreshold(),
            request.minFinished() == null ? 1 : request.minFinished(),
            waveTimeout.toString(),
            waitBetween.toString(),
            Boolean.TRUE.equals(request.manualGate()),
            !Boolean.FALSE.equals(request.autoRollback()),
            callbackUrls.validate(request.callbackUrl()),
            null,
            0,
            null,
            null,
            "running",
            null,
            caller.actor(),
            now,
            null,
            null,
            null);
    rollouts.insert(rollout);
    Map<String, Object> variables = new HashMap<>();
    variables.put("rolloutId", rollout.id());
    variables.put("organizationId", rollout.organizationId());
    variables.put("teamId", rollout.teamId());
    variables.put("deviceGroupName", group.name());
    variables.put("pollInterval", POLL_INTERVAL.toString());
    variables.put("waitBetweenWaves", waitBetween.toString());
    variables.put("manualGate", rollout.manualGate());
    variables.put("autoRollback", rollout.autoRollback());
    variables.put("paused", false);
    variables.put("approverGroupId", CamundaIdentity.teamApproversGroup(rollout.teamId()));
    if (rollout.callbackUrl() != null) {
      variables.put("callbackUrl", rollout.callbackUrl());
    }
    String processInstanceId = workflow.start(rollout.id(), variables);
    rollouts.setProcess(rollout.id(), processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("deviceGroup", group.name());
    details.put("snapshotId", snapshot.id());
    details.put("waves", request.waves());
    details.put("processInstanceId", processInstanceId);
    audit.record(event(caller.actor(), "rollout.requested", rollout, details));
    return new Accepted(rollout.id(), processInstanceId, "running");
  }

  /**
   * A rollout a promotion starts as a call activity, with the defaults of a stage's rollout: waves
   * 10, 50, 100 %, 90 % success, 10 % errors with at least 5 finished, 10 minutes a wave, automatic
   * rollback. Repeating it for the same promotion and group returns the same rollout.
   */
  @Transactional
  public String prepareForPromotion(
      String promotionId, String groupId, String snapshotId, String actor) {
    for (Rollout existing : rollouts.ofPromotion(promotionId)) {
      if (existing.deviceGroupId().equals(groupId)) {
        return existing.id();
      }
    }
    DeviceGroup group = groups.find(groupId);
    Rollout rollout =
        new Rollout(
            Ids.newId(),
            group.organizationId(),
            group.teamId(),
            group.applicationId(),
            group.id(),
            group.name(),
            snapshotId,
            null,
            RolloutSteps.write(List.of(10, 50, 100)),
            90,
            10,
            5,
            Duration.ofMinutes(10).toString(),
            Duration.ZERO.toString(),
            false,
            true,
            null,
            null,
            0,
            null,
            null,
            "running",
            null,
            actor,
            Instant.now(clock).truncatedTo(ChronoUnit.MICROS),
            null,
            null,
            promotionId);
    rollouts.insert(rollout);
    audit.record(
        event(
            actor,
            "rollout.requested",
            rollout,
            Map.of(
                "deviceGroup",
                group.name(),
                "snapshotId",
                snapshotId,
                "promotionId",
                promotionId)));
    return rollout.id();
  }

  /** The ids of a promotion's rollouts. */
  @Transactional(readOnly = true)
  public List<String> idsOfPromotion(String promotionId) {
    return rollouts.ofPromotion(promotionId).stream().map(Rollout::id).toList();
  }

  /** The states of a promotion's rollouts, by device group name. */
  @Transactional(readOnly = true)
  public Map<String, String> statesOfPromotion(String promotionId) {
    Map<String, String> states = new LinkedHashMap<>();
    rollouts.ofPromotion(promotionId).forEach(r -> states.put(r.deviceGroupName(), r.state()));
    return states;
  }

  @Transactional(readOnly = true)
  public RolloutView get(Caller caller, String id) {
    return view(visible(caller, id, TeamAction.READ));
  }

  /** pause, resume or abort, as a BPMN message to the rollout's process. */
  @Transactional
  public RolloutView act(Caller caller, String id, String action) {
    Rollout rollout = visible(caller, id, TeamAction.WRITE);
    if (!List.of("running", "paused", "awaiting-gate").contains(rollout.state())) {
      throw ApiProblem.conflict("The rollout is " + rollout.state() + ": it is over");
    }
    String message =
        switch (action) {
          case "pause" -> "rollout-pause";
          case "resume" -> "rollout-resume";
          case "abort" -> "rollout-abort";
          default ->
              throw ApiProblem.notFound(
                  "Unknown action '" + action + "'; rollouts know pause, resume and abort");
        };
    if (!workflow.signal(rollout.processInstanceId(), message)) {
      throw ApiProblem.conflict("The rollout is finishing and takes no " + action + " now");
    }
    audit.record(event(caller.actor(), "rollout." + action + "-requested", rollout, Map.of()));
    return view(rollouts.find(id).orElseThrow());
  }

  /** The rollout as the API shows it, for the engine's own use (callbacks). */
  @Transactional(readOnly = true)
  public RolloutView view(String id) {
    return view(rollouts.find(id).orElseThrow(() -> ApiProblem.notFound("Rollout", id)));
  }

  private RolloutView view(Rollout rollout) {
    List<Integer> plan = rollout.plan() == null ? List.of() : RolloutSteps.readList(rollout.plan());
    Map<Integer, RolloutRepository.WaveCounts> counts = new HashMap<>();
    rollouts.counts(rollout.id()).forEach(c -> counts.put(c.wave(), c));
    List<RolloutView.Wave> waves =
        IntStream.rangeClosed(1, plan.size())
            .mapToObj(
                wave -> {
                  RolloutRepository.WaveCounts c =
                      counts.getOrDefault(
                          wave, new RolloutRepository.WaveCounts(wave, 0, 0, 0, 0, 0));
                  int targeted = wave <= rollout.currentWave() ? c.targeted() : 0;
                  return new RolloutView.Wave(
                      wave,
                      targeted,
                      c.succeeded(),
                      c.failed(),
                      c.timedOut(),
                      c.rolledBack(),
                      Math.max(0, targeted - c.succeeded() - c.failed() - c.timedOut()));
                })
            .toList();
    return new RolloutView(
        rollout.id(),
        rollout.deviceGroupId(),
        rollout.deviceGroupName(),
        rollout.snapshotId(),
        rollout.state(),
        rollout.stateReason(),
        rollout.currentWave(),
        waves,
        rollout.requestedBy(),
        rollout.requestedAt(),
        rollout.finishedAt(),
        rollout.processInstanceId());
  }

  private Rollout visible(Caller caller, String id, TeamAction action) {
    Rollout rollout = rollouts.find(id).orElseThrow(() -> ApiProblem.notFound("Rollout", id));
    try {
      teams.get(caller, rollout.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Rollout", id);
      }
      throw problem;
    }
    return rollout;
  }

  private static Duration duration(String field, String value, Duration fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      Duration duration = Duration.parse(value);
      if (duration.isNegative()) {
        throw ApiProblem.invalid(field, "must not be negative");
      }
      return duration;
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, "must be an ISO-8601 duration such as PT5M");
    }
  }

  static AuditEvent event(String actor, String action, Rollout rollout, Map<String, Object> d) {
    return new AuditEvent(
        actor, action, "rollout", rollout.id(), rollout.organizationId(), rollout.teamId(), d);
  }
}
