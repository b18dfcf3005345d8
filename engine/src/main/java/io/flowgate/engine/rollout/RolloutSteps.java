package io.flowgate.engine.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.device.DeviceGroupService;
import io.flowgate.engine.device.DeviceService;
import io.flowgate.engine.device.DeviceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The work behind the service tasks of device-rollout, free of the engine. Devices are moved by
 * setting their target snapshot (their agents follow on the next heartbeat) and judged from what
 * their heartbeats report; heartbeats themselves never reach the engine.
 */
@Component
public class RolloutSteps {

  /** Consecutive heartbeats on the target, running, without a new restart: the device has it. */
  static final int STABLE_HEARTBEATS = 2;

  private static final Set<String> FAILED_STATES = Set.of("error", "crashed", "safe");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The counts of a wave, for the process's variables. */
  public record WaveJudgement(
      int wave,
      String outcome,
      boolean moreWaves,
      int targeted,
      int succeeded,
      int failed,
      int timedOut) {}

  private final RolloutRepository rollouts;
  private final DeviceService devices;
  private final DeviceGroupService groups;
  private final AuditLog audit;
  private final Clock clock;

  RolloutSteps(
      RolloutRepository rollouts,
      DeviceService devices,
      DeviceGroupService groups,
      AuditLog audit,
      Clock clock) {
    this.rollouts = rollouts;
    this.devices = devices;
    this.groups = groups;
    this.audit = audit;
    this.clock = clock;
  }

  /** Assigns every member of the group to its wave; returns the number of waves. */
  @Transactional
  public int plan(String rolloutId, String processInstanceId) {
    Rollout rollout = require(rolloutId);
    if (rollout.processInstanceId() == null) {
      // a rollout a promotion calls gets its process here
      rollouts.setProcess(rolloutId, processInstanceId);
    }
    List<String> members = groups.members(rollout.deviceGroupId());
    WavePlan plan = WavePlan.of(members.size(), rollout.canary(), percentages(rollout));
    Map<String, String> previous = new HashMap<>();
    for (DeviceStatus status : devices.status(members)) {
      previous.put(status.deviceId(), status.targetSnapshotId());
    }
    List<RolloutRepository.RolloutDevice> assigned = new ArrayList<>();
    List<Integer> waves = new ArrayList<>();
    int index = 0;
    for (int wave = 1; wave <= plan.waves(); wave++) {
      for (int i = 0; i < plan.sizes().get(wave - 1); i++, index++) {
        String device = members.get(index);
        assigned.add(new RolloutRepository.RolloutDevice(device, previous.get(device), null));
        waves.add(wave);
      }
    }
    rollouts.addDevices(rolloutId, assigned, waves);
    rollouts.setPlan(rolloutId, write(plan.sizes()));
    record(rollout, "rollout.planned", Map.of("devices", members.size(), "waves", plan.sizes()));
    return plan.waves();
  }

  /** Moves the next wave's devices to the snapshot; returns the wave's number and size. */
  @Transactional
  public int[] startWave(String rolloutId) {
    Rollout rollout = require(rolloutId);
    int wave = rollout.currentWave() + 1;
    List<String> ids = ids(rollouts.devicesOf(rolloutId, wave));
    for (int from = 0; from < ids.size(); from += 1000) {
      devices.setTarget(ids.subList(from, Math.min(ids.size(), from + 1000)), rollout.snapshotId());
    }
    rollouts.startWave(rolloutId, wave, now());
    record(rollout, "rollout.wave-started", Map.of("wave", wave, "devices", ids.size()));
    return new int[] {wave, ids.size()};
  }

  /** Sorts the wave's pending devices by what their heartbeats say, and judges the wave. */
  @Transactional
  public WaveJudgement judgeWave(String rolloutId) {
    Rollout rollout = require(rolloutId);
    int wave = rollout.currentWave();
    List<RolloutRepository.RolloutDevice> waveDevices = rollouts.devicesOf(rolloutId, wave);
    List<String> pending =
        waveDevices.stream()
            .filter(device -> "pending".equals(device.outcome()))
            .map(RolloutRepository.RolloutDevice::deviceId)
            .toList();
    List<String> succeeded = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (DeviceStatus status : devices.status(pending)) {
      if (hasTarget(status, rollout.snapshotId())) {
        succeeded.add(status.deviceId());
      } else if (failedSince(status, rollout.waveStartedAt())) {
        failed.add(status.deviceId());
      }
    }
    rollouts.setOutcomes(rolloutId, succeeded, "succeeded");
    rollouts.setOutcomes(rolloutId, failed, "failed");
    boolean timeUp =
        !now().isBefore(rollout.waveStartedAt().plus(Duration.parse(rollout.waveTimeout())));
    RolloutRepository.WaveCounts counts = countsOf(rolloutId, wave);
    WaveJudge.Outcome outcome =
        new WaveJudge(rollout.successThreshold(), rollout.errorThreshold(), rollout.minFinished())
            .judge(
                new WaveJudge.Counts(counts.targeted(), counts.succeeded(), counts.failed()),
                timeUp);
    if (outcome != WaveJudge.Outcome.RUNNING && timeUp) {
      List<String> stillPending =
          rollouts.devicesOf(rolloutId, wave).stream()
              .filter(device -> "pending".equals(device.outcome()))
              .map(RolloutRepository.RolloutDevice::deviceId)
              .toList();
      rollouts.setOutcomes(rolloutId, stillPending, "timed-out");
      counts = countsOf(rolloutId, wave);
    }
    int waves = readPlan(rollout).size();
    if (outcome != WaveJudge.Outcome.RUNNING) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("wave", wave);
      details.put("outcome", outcome.value());
      details.put("succeeded", counts.succeeded());
      details.put("failed", counts.failed());
      details.put("timedOut", counts.timedOut());
      record(rollout, "rollout.wave-judged", details);
    }
    return new WaveJudgement(
        wave,
        outcome.value(),
        wave < waves,
        counts.targeted(),
        counts.succeeded(),
        counts.failed(),
        counts.timedOut());
  }

  /** Sets every moved device's target back to what it had before the rollout. */
  @Transactional
  public void rollBack(String rolloutId) {
    Rollout rollout = require(rolloutId);
    List<RolloutRepository.RolloutDevice> moved = rollouts.moved(rolloutId, rollout.currentWave());
    Map<String, List<String>> byPrevious = new HashMap<>();
    for (RolloutRepository.RolloutDevice device : moved) {
      byPrevious
          .computeIfAbsent(
              Objects.toString(device.previousSnapshotId(), ""), k -> new ArrayList<>())
          .add(device.deviceId());
    }
    byPrevious.forEach(
        (previous, ids) -> {
          for (int from = 0; from < ids.size(); from += 1000) {
            devices.setTarget(
                ids.subList(from, Math.min(ids.size(), from + 1000)),
                previous.isEmpty() ? null : previous);
          }
        });
    rollouts.startRollback(rolloutId, now());
    record(rollout, "rollout.rollback-started", Map.of("devices", moved.size()));
  }

  /**
   * Whether the moved devices are back: each reports its previous snapshot, or has not come back
   * within twice the wave timeout (then it is left to its agent and the reason says so).
   */
  @Transactional
  public boolean rollbackDone(String rolloutId) {
    Rollout rollout = require(rolloutId);
    List<RolloutRepository.RolloutDevice> moved = rollouts.moved(rolloutId, rollout.currentWave());
    Map<String, String> previous = new HashMap<>();
    moved.forEach(device -> previous.put(device.deviceId(), device.previousSnapshotId()));
    List<String> back = new ArrayList<>();
    for (DeviceStatus status : devices.status(previous.keySet())) {
      if (Objects.equals(status.snapshotId(), previous.get(status.deviceId()))) {
        back.add(status.deviceId());
      }
    }
    rollouts.setRolledBack(rolloutId, back);
    Instant deadline =
        rollout.rollbackStartedAt().plus(Duration.parse(rollout.waveTimeout()).multipliedBy(2));
    return back.size() == moved.size() || !now().isBefore(deadline);
  }

  @Transactional
  public void markState(String rolloutId, String state, String reason, boolean last) {
    Rollout rollout = require(rolloutId);
    rollouts.setState(rolloutId, state, reason, last ? now() : null);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state);
    if (reason != null) {
      details.put("reason", reason);
    }
    if (last) {
      record(rollout, "rollout." + state, details);
    }
  }

  List<RolloutRepository.WaveCounts> counts(String rolloutId) {
    return rollouts.counts(rolloutId);
  }

  static boolean hasTarget(DeviceStatus status, String target) {
    return target.equals(status.snapshotId())
        && "running".equals(status.state())
        && status.stableHeartbeats() >= STABLE_HEARTBEATS;
  }

  static boolean failedSince(DeviceStatus status, Instant waveStart) {
    return status.state() != null
        && FAILED_STATES.contains(status.state())
        && status.lastSeenAt() != null
        && status.lastSeenAt().isAfter(waveStart);
  }

  private RolloutRepository.WaveCounts countsOf(String rolloutId, int wave) {
    return rollouts.counts(rolloutId).stream()
        .filter(counts -> counts.wave() == wave)
        .findFirst()
        .orElse(new RolloutRepository.WaveCounts(wave, 0, 0, 0, 0, 0));
  }

  private Rollout require(String rolloutId) {
    return rollouts
        .find(rolloutId)
        .orElseThrow(() -> new IllegalStateException("Rollout " + rolloutId + " does not exist"));
  }

  private static List<Integer> percentages(Rollout rollout) {
    return readList(rollout.waves());
  }

  private static List<Integer> readPlan(Rollout rollout) {
    return rollout.plan() == null ? List.of() : readList(rollout.plan());
  }

  static List<Integer> readList(String json) {
    try {
      return List.of(JSON.readValue(json, Integer[].class));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A rollout's waves are not a JSON list of numbers", e);
    }
  }

  static String write(List<Integer> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void record(Rollout rollout, String action, Map<String, Object> details) {
    audit.record(
        new AuditEvent(
            "system",
            action,
            "rollout",
            rollout.id(),
            rollout.organizationId(),
            rollout.teamId(),
            details));
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  private static List<String> ids(List<RolloutRepository.RolloutDevice> devices) {
    return devices.stream().map(RolloutRepository.RolloutDevice::deviceId).toList();
  }
}
