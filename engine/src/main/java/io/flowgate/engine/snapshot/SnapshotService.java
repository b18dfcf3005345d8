package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.flowgate.connectors.nodered.NodeRedUnreachableException;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.InstanceState;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.snapshot.diff.DiffInput;
import io.flowgate.engine.snapshot.diff.SnapshotDiff;
import io.flowgate.engine.snapshot.diff.SnapshotDiffer;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Snapshots as teams see them: taken of a running instance, listed, read without their secrets,
 * compared, deleted when nothing needs them. Team viewers read, members take and delete.
 */
@Service
public class SnapshotService {

  private final SnapshotRepository snapshots;
  private final SnapshotStore store;
  private final SnapshotCapture capture;
  private final SnapshotKey key;
  private final LiveInstances live;
  private final SnapshotRetention retention;
  private final TeamService teams;
  private final AuditLog audit;
  private final Clock clock;

  SnapshotService(
      SnapshotRepository snapshots,
      SnapshotStore store,
      SnapshotCapture capture,
      SnapshotKey key,
      LiveInstances live,
      SnapshotRetention retention,
      TeamService teams,
      AuditLog audit,
      Clock clock) {
    this.snapshots = snapshots;
    this.store = store;
    this.capture = capture;
    this.key = key;
    this.live = live;
    this.retention = retention;
    this.teams = teams;
    this.audit = audit;
    this.clock = clock;
  }

  /** Takes a snapshot of a running instance; its content is stored before its record exists. */
  @Transactional
  public Snapshot create(Caller caller, String instanceId, String name, String description) {
    if (name == null || name.isBlank()) {
      throw ApiProblem.invalid("name", "must contain text (markup is removed)");
    }
    LiveInstances.Target instance = instance(caller, instanceId, TeamAction.WRITE);
    requireRunning(instance);
    SnapshotContent.Plain plain = captureOrExplain(instance.id());
    Snapshot snapshot =
        record(
            instance,
            plain.seal(key.secret()),
            name,
            description,
            SnapshotKind.MANUAL,
            caller.actor(),
            null);
    audit.record(event(caller.actor(), "snapshot.created", snapshot, Map.of()));
    return snapshot;
  }

  @Transactional(readOnly = true)
  public List<Snapshot> list(Caller caller, String instanceId) {
    return snapshots.ofInstance(instance(caller, instanceId, TeamAction.READ).id());
  }

  @Transactional(readOnly = true)
  public Snapshot get(Caller caller, String id) {
    return visible(caller, id, TeamAction.READ);
  }

  @Transactional
  public void delete(Caller caller, String id) {
    Snapshot snapshot = visible(caller, id, TeamAction.WRITE);
    if (snapshots.inUse(snapshot.id())) {
      throw ApiProblem.conflict(
          "An instance runs this snapshot, a device is to run it, or a promotion records it; it"
              + " stays");
    }
    snapshots.delete(snapshot.id());
    if (!snapshots.hashShared(snapshot.hash(), snapshot.id())) {
      store.delete(snapshot.hash());
    }
    audit.record(event(caller.actor(), "snapshot.deleted", snapshot, Map.of()));
  }

  /**
   * The content as a team may read it: flows, settings, modules and env, with secret env values
   * left out and, instead of credentials, the ids of the nodes that have some.
   */
  @Transactional(readOnly = true)
  public ObjectNode content(Caller caller, String id) {
    Snapshot snapshot = visible(caller, id, TeamAction.READ);
    SnapshotContent content = store.load(snapshot.hash());
    ObjectNode json = content.toJson();
    json.remove("credentials");
    json.remove("secretEnv");
    ArrayNode withCredentials = json.putArray("nodesWithCredentials");
    content.open(key.secret()).credentials().fieldNames().forEachRemaining(withCredentials::add);
    json.put("hash", snapshot.hash());
    return json;
  }

  @Transactional(readOnly = true)
  public SnapshotDiff diff(Caller caller, String fromId, String toId) {
    Snapshot from = visible(caller, fromId, TeamAction.READ);
    Snapshot to = visible(caller, toId, TeamAction.READ);
    return SnapshotDiffer.diff(diffInput(open(from)), diffInput(open(to)));
  }

  /** What changed on the instance since the snapshot (the snapshot is the "from" side). */
  @Transactional(readOnly = true)
  public SnapshotDiff diffWithLive(Caller caller, String instanceId, String snapshotId) {
    LiveInstances.Target instance = instance(caller, instanceId, TeamAction.READ);
    Snapshot snapshot = visible(caller, snapshotId, TeamAction.READ);
    requireRunning(instance);
    return SnapshotDiffer.diff(
        diffInput(open(snapshot)), diffInput(captureOrExplain(instance.id())));
  }

  /**
   * Takes a snapshot for a process of the engine (a promotion): no caller, the actor is named.
   *
   * @throws io.flowgate.engine.instance.InstanceStepFailed when the instance does not run
   */
  @Transactional(noRollbackFor = InstanceStepFailed.class)
  public Snapshot take(
      String instanceId, String name, String description, SnapshotKind kind, String actor) {
    LiveInstances.Target instance = live.require(instanceId);
    if (instance.state() != InstanceState.RUNNING || !live.running(instanceId)) {
      throw new InstanceStepFailed(
          "Instance " + instance.name() + " does not run, so no snapshot can be taken of it");
    }
    Snapshot snapshot =
        record(
            instance,
            capture.capture(instanceId).seal(key.secret()),
            name,
            description,
            kind,
            actor,
            null);
    audit.record(event(actor, "snapshot.created", snapshot, Map.of()));
    if (kind == SnapshotKind.AUTO) {
      retention.prune(instanceId);
    }
    return snapshot;
  }

  /** The newest snapshot of the instance that a person made or imported (no automatic ones). */
  public Optional<Snapshot> latestOf(String instanceId) {
    return snapshots.ofInstance(instanceId).stream()
        .filter(snapshot -> snapshot.kind() != SnapshotKind.AUTO)
        .findFirst();
  }

  public Optional<Snapshot> find(String id) {
    return snapshots.find(id);
  }

  /**
   * What deploying the snapshot would change on the instance: from what it runs now (its live flows
   * when it runs, else the snapshot it last got, else nothing) to the snapshot.
   */
  public SnapshotDiff changeOn(String instanceId, String snapshotId) {
    DiffInput to = diffInput(open(require(snapshotId)));
    LiveInstances.Target instance = live.find(instanceId).orElse(null);
    DiffInput from;
    if (instance != null && instance.state() == InstanceState.RUNNING && live.running(instanceId)) {
      from = diffInput(capture.capture(instanceId));
    } else if (instance != null && instance.snapshotId() != null) {
      from = diffInput(open(require(instance.snapshotId())));
    } else {
      from = new DiffInput(List.of(), Map.of(), Map.of(), Map.of(), null);
    }
    return SnapshotDiffer.diff(from, to);
  }

  /** The diff of two stored snapshots for the engine's own use (approval forms). */
  public SnapshotDiff diffOf(String fromId, String toId) {
    return SnapshotDiffer.diff(diffInput(open(require(fromId))), diffInput(open(require(toId))));
  }

  /**
   * A snapshot's content with its secrets in clear, for the engine's own use: the device API
   * re-encrypts its credentials for each device. Never shown to a caller as it is.
   */
  public SnapshotContent.Plain openContent(Snapshot snapshot) {
    return open(snapshot);
  }

  Snapshot require(String id) {
    return snapshots.find(id).orElseThrow(() -> ApiProblem.notFound("Snapshot", id));
  }

  /** Stores content and writes its record (after the content is safe in storage). */
  Snapshot record(
      LiveInstances.Target instance,
      SnapshotContent content,
      String name,
      String description,
      SnapshotKind kind,
      String actor,
      String processInstanceId) {
    SnapshotStore.Stored stored = store.save(content);
    Snapshot snapshot =
        new Snapshot(
            Ids.newId(),
            instance.organizationId(),
            instance.teamId(),
            instance.applicationId(),
            instance.id(),
            name,
            description,
            kind,
            stored.hash(),
            stored.size(),
            content.nodeCount(),
            content.nodeRedVersion(),
            Instant.now(clock).truncatedTo(ChronoUnit.MICROS),
            actor,
            processInstanceId);
    snapshots.insert(snapshot);
    return snapshot;
  }

  LiveInstances.Target instance(Caller caller, String instanceId, TeamAction action) {
    LiveInstances.Target instance =
        live.find(instanceId).orElseThrow(() -> ApiProblem.notFound("Instance", instanceId));
    try {
      teams.get(caller, instance.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Instance", instanceId);
      }
      throw problem;
    }
    return instance;
  }

  /** The instance as the protection rule names it. */
  static StageProtection.Protected protectedInstance(LiveInstances.Target instance) {
    return StageProtection.Protected.instance(
        instance.id(), instance.name(), instance.organizationId(), instance.teamId());
  }

  Snapshot visible(Caller caller, String id, TeamAction action) {
    Snapshot snapshot = require(id);
    try {
      teams.get(caller, snapshot.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Snapshot", id);
      }
      throw problem;
    }
    return snapshot;
  }

  static void requireRunning(LiveInstances.Target instance) {
    if (instance.state() != InstanceState.RUNNING) {
      throw ApiProblem.conflict(
          "The instance is "
              + instance.state().value()
              + "; snapshots are taken of running instances: start it first");
    }
  }

  SnapshotContent.Plain captureOrExplain(String instanceId) {
    try {
      return capture.capture(instanceId);
    } catch (NodeRedUnreachableException e) {
      throw new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Instance not answering",
          "The instance's Node-RED did not answer; try again when it runs",
          List.of());
    }
  }

  /** A capture for a process step: an unreachable Node-RED is a fault to retry, not a 503. */
  SnapshotContent.Plain captureOrFail(String instanceId) {
    return capture.capture(instanceId);
  }

  private SnapshotContent.Plain open(Snapshot snapshot) {
    return store.load(snapshot.hash()).open(key.secret());
  }

  private DiffInput diffInput(SnapshotContent.Plain plain) {
    Map<String, DiffInput.EnvEntry> env = new LinkedHashMap<>();
    for (SnapshotContent.EnvVar var : plain.env()) {
      env.put(
          var.name(),
          var.secret()
              ? DiffInput.EnvEntry.secret(key.fingerprint(TextNode.valueOf(var.value())))
              : DiffInput.EnvEntry.plain(var.value()));
    }
    Map<String, String> fingerprints = new LinkedHashMap<>();
    plain
        .credentials()
        .properties()
        .forEach(entry -> fingerprints.put(entry.getKey(), key.fingerprint(entry.getValue())));
    List<JsonNode> flows = new ArrayList<>();
    plain.flows().forEach(flows::add);
    return new DiffInput(flows, env, plain.modules(), fingerprints, plain.settings());
  }

  static AuditEvent event(
      String actor, String action, Snapshot snapshot, Map<String, Object> extra) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", snapshot.name());
    details.put("hash", snapshot.hash());
    details.put("kind", snapshot.kind().value());
    details.put("instanceId", Objects.toString(snapshot.instanceId(), ""));
    details.putAll(extra);
    return new AuditEvent(
        actor,
        action,
        "snapshot",
        snapshot.id(),
        snapshot.organizationId(),
        snapshot.teamId(),
        details);
  }
}
