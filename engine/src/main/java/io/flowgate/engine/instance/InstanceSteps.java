package io.flowgate.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.connectors.nodered.AdminToken;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.EditorProbe;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.ProbeResult;
import io.flowgate.connectors.runtime.ContainerNotFoundException;
import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.runtime.ImageNotFoundException;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.engine.audit.AuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The work behind each service task of the instance processes, free of the engine: the BPMN
 * delegates call these by instance id. Each step is safe to repeat (jobs are delivered at least
 * once); one that cannot succeed by retrying throws {@link InstanceStepFailed}.
 */
@Component
public class InstanceSteps {

  private static final Logger log = LoggerFactory.getLogger(InstanceSteps.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest one attempt waits for the editor; the job lock time (90 s) must exceed it. */
  static final Duration EDITOR_WAIT = Duration.ofSeconds(60);

  private static final Duration PROBE_PAUSE = Duration.ofMillis(50);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final int LOG_LINES_IN_REASON = 8;

  private final InstanceRepository instances;
  private final InstanceContainers containers;
  private final PortAllocator ports;
  private final InstanceTokens tokens;
  private final InstanceRuntime runtime;
  private final ObjectStore objects;
  private final AuditLog audit;
  private final Clock clock;
  private final EditorProbe probe = new EditorProbe(Duration.ofSeconds(2));

  InstanceSteps(
      InstanceRepository instances,
      InstanceContainers containers,
      PortAllocator ports,
      InstanceTokens tokens,
      InstanceRuntime runtime,
      ObjectStore objects,
      AuditLog audit,
      Clock clock) {
    this.instances = instances;
    this.containers = containers;
    this.ports = ports;
    this.tokens = tokens;
    this.runtime = runtime;
    this.objects = objects;
    this.audit = audit;
    this.clock = clock;
  }

  /** Where the instance's objects (files, later snapshots of it) live in object storage. */
  public static String storagePrefix(String instanceId) {
    return "instances/" + instanceId + "/";
  }

  /** The request still stands: the instance exists and is being provisioned. */
  public void validate(String instanceId) {
    InstanceRow instance = require(instanceId);
    if (instance.state() != InstanceState.PROVISIONING) {
      throw new InstanceStepFailed(
          "The instance is " + instance.state().value() + ", not provisioning");
    }
  }

  public void allocate(String instanceId) {
    try {
      int port = ports.reserve(instanceId);
      log.info("Instance {} holds port {}", instanceId, port);
    } catch (PortAllocator.NoFreePortException e) {
      throw new InstanceStepFailed(e.getMessage(), e);
    }
  }

  public void createStorage(String instanceId) {
    InstanceRow instance = require(instanceId);
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("instanceId", instance.id());
    marker.put("teamId", instance.teamId());
    marker.put("createdAt", instance.createdAt().toString());
    objects.put(storagePrefix(instanceId) + ".instance.json", json(marker), "application/json");
  }

  public void createContainer(String instanceId) {
    String filesToken = tokens.ensure(instanceId);
    InstanceRow instance = require(instanceId);
    if (!EditorLogins.FLOWGATE_USER.equals(instance.editorUser())
        && runtime.inspect(instance.containerName()).isEmpty()) {
      // An instance made before personal editor logins: its Node-RED user could be a person's
      // name, and its password was handed to people. Renamed with a new password only when a
      // container is really made now, so that row and container agree.
      InstanceContainers.EditorSecret secret = containers.newEditorSecret();
      instances.setEditorLogin(
          instanceId, EditorLogins.FLOWGATE_USER, secret.sealedPassword(), secret.passwordHash());
      instance = require(instanceId);
    }
    if (instance.port() == null) {
      // a suspended or failed instance gave its port back
      ports.reserve(instanceId);
      instance = require(instanceId);
    }
    try {
      runtime.create(containers.spec(instance, filesToken));
    } catch (ImageNotFoundException e) {
      throw new InstanceStepFailed(
          "The stack's image '"
              + instance.stack()
              + "' is not on the "
              + runtime.kind()
              + " host; build or load it there (no registry is used), then try again",
          e);
    }
  }

  /**
   * Starts the container; one that vanished since it was created (removed by hand, or still being
   * removed when the create step found it) is created again first.
   */
  public void startContainer(String instanceId) {
    InstanceRow instance = require(instanceId);
    try {
      runtime.start(instance.containerName());
    } catch (ContainerNotFoundException e) {
      log.warn(
          "Container of instance {} vanished before it started; creating it again", instanceId);
      createContainer(instanceId);
      runtime.start(instance.containerName());
    }
  }

  /**
   * Waits until the editor answers as Node-RED. Node-RED exiting meanwhile is final (its log says
   * why); no answer within {@link #EDITOR_WAIT} is a fault this attempt cannot fix, so the job is
   * retried.
   */
  public void waitForEditor(String instanceId) {
    InstanceRow instance = require(instanceId);
    URI url = URI.create(instance.url());
    Instant deadline = clock.instant().plus(EDITOR_WAIT);
    ProbeResult last = null;
    int probes = 0;
    while (clock.instant().isBefore(deadline)) {
      last = probe.probe(url);
      if (last.nodeRed()) {
        log.info("Instance {} editor answers at {}", instanceId, url);
        return;
      }
      if (++probes % 10 == 1) {
        checkStillRunning(instance);
      }
      pause();
    }
    checkStillRunning(instance);
    throw new IllegalStateException(
        "The editor at "
            + url
            + " did not answer as Node-RED within "
            + EDITOR_WAIT.toSeconds()
            + " s; last probe: "
            + (last == null ? "none" : last.detail()));
  }

  private void checkStillRunning(InstanceRow instance) {
    Optional<ContainerState> state = runtime.inspect(instance.containerName());
    if (state.isEmpty()) {
      throw new InstanceStepFailed("The instance's container vanished while Node-RED started");
    }
    if (!state.get().running() && state.get().exitCode() != null) {
      throw new InstanceStepFailed(
          "Node-RED exited with code "
              + state.get().exitCode()
              + " while starting: "
              + lastLines(runtime.logs(instance.containerName(), 40)));
    }
  }

  public void loadInitialFlows(String instanceId) {
    InstanceRow instance = require(instanceId);
    if (instance.initialFlows() == null) {
      return;
    }
    List<JsonNode> flows = new ArrayList<>();
    try {
      JSON.readTree(instance.initialFlows()).forEach(flows::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (NodeRedAdminClient client = adminClient(instance)) {
      NodeRedAdminClient authorized = login(client, instance);
      authorized.setFlows(flows, null, DeploymentType.FULL);
    }
    log.info("Instance {} runs its {} initial flow nodes", instanceId, flows.size());
  }

  public void stopContainer(String instanceId) {
    try {
      runtime.stop(InstanceContainers.containerName(instanceId), STOP_TIMEOUT);
    } catch (ContainerNotFoundException e) {
      // nothing runs, which is what stopping wants
    }
  }

  public void removeContainer(String instanceId) {
    runtime.remove(InstanceContainers.containerName(instanceId));
  }

  /**
   * Deletes the instance's objects (its files and whatever else lives under its prefix) and its
   * Node-RED data; its container must be gone.
   */
  public void deleteStorage(String instanceId) {
    // rows first: a file listed must exist; a deletion that fails later leaves no phantom files
    instances.forgetFiles(instanceId);
    objects.deletePrefix(storagePrefix(instanceId));
    runtime.deleteData(InstanceContainers.containerName(instanceId));
  }

  public void release(String instanceId) {
    instances.setPort(instanceId, null, null);
  }

  @Transactional
  public void markRunning(String instanceId, String processInstanceId) {
    mark(instanceId, InstanceState.RUNNING, null, processInstanceId);
  }

  @Transactional
  public void markStopped(String instanceId, String processInstanceId) {
    mark(instanceId, InstanceState.STOPPED, null, processInstanceId);
  }

  /** Suspended instances gave their container up; the port goes back too. */
  @Transactional
  public void markSuspended(String instanceId, String processInstanceId) {
    release(instanceId);
    mark(instanceId, InstanceState.SUSPENDED, null, processInstanceId);
  }

  /**
   * The instance runs again after a failed change was undone: running, with the failure as its
   * reason and last failure, so the team sees what happened.
   */
  @Transactional
  public void markRestored(String instanceId, String reason, String processInstanceId) {
    mark(instanceId, InstanceState.RUNNING, reason, processInstanceId);
    instances.recordFailure(instanceId, reason, now());
  }

  /**
   * An operation ended without changing the instance (e.g. a deploy that could not even start): the
   * state stays, the reason becomes the last failure.
   */
  @Transactional
  public void endUnchanged(String instanceId, String reason, String processInstanceId) {
    InstanceRow instance = instances.lock(instanceId).orElse(null);
    if (instance == null) {
      return;
    }
    instances.endOperation(instanceId, processInstanceId);
    instances.recordFailure(instanceId, reason, now());
    audit.record(
        InstanceService.event(
            "system",
            "instance.operation-failed",
            instance,
            Map.of("reason", reason, "processInstanceId", processInstanceId)));
  }

  @Transactional
  public void markCrashed(String instanceId, String reason, String processInstanceId) {
    mark(instanceId, InstanceState.CRASHED, reason, processInstanceId);
  }

  @Transactional
  public void markFailed(String instanceId, String reason, String processInstanceId) {
    mark(instanceId, InstanceState.FAILED, reason, processInstanceId);
  }

  @Transactional
  public void deleteRecord(String instanceId, String processInstanceId) {
    instances
        .lock(instanceId)
        .ifPresent(
            instance -> {
              // the token row stays (revoked) for the audit trail; the request revoked it already
              tokens.revoke(instanceId, "system");
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("name", instance.name());
              details.put("processInstanceId", processInstanceId);
              // the stages lose the instance as a target with it (the rows cascade)
              List<Map<String, Object>> stages = instances.pipelineStages(instanceId);
              if (!stages.isEmpty()) {
                details.put("pipelineStages", stages);
              }
              instances.delete(instanceId);
              audit.record(InstanceService.event("system", "instance.deleted", instance, details));
            });
  }

  /** An instance's state and the reason given for it (null when none). */
  public record StateNow(InstanceState state, String reason) {}

  /** The instance's state now, or empty once it is deleted. */
  public Optional<StateNow> state(String instanceId) {
    return instances.find(instanceId).map(row -> new StateNow(row.state(), row.stateReason()));
  }

  private void mark(
      String instanceId, InstanceState state, String reason, String processInstanceId) {
    InstanceRow instance = instances.lock(instanceId).orElse(null);
    if (instance == null) {
      return; // deleted meanwhile
    }
    instances.setState(instanceId, state, reason, now());
    instances.endOperation(instanceId, processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("from", instance.state().value());
    details.put("processInstanceId", processInstanceId);
    if (reason != null) {
      details.put("reason", reason);
    }
    audit.record(InstanceService.event("system", "instance." + state.value(), instance, details));
  }

  private NodeRedAdminClient adminClient(InstanceRow instance) {
    return new NodeRedAdminClient(URI.create(instance.url()), Duration.ofSeconds(30));
  }

  private NodeRedAdminClient login(NodeRedAdminClient client, InstanceRow instance) {
    Optional<AdminToken> token =
        client.login(instance.editorUser(), containers.editorPassword(instance));
    return token.map(client::withToken).orElse(client);
  }

  private InstanceRow require(String instanceId) {
    return instances
        .find(instanceId)
        .orElseThrow(() -> new InstanceStepFailed("Instance " + instanceId + " no longer exists"));
  }

  private static String lastLines(String logs) {
    String[] lines = logs.strip().split("\\R");
    int from = Math.max(0, lines.length - LOG_LINES_IN_REASON);
    String tail = String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length));
    return tail.isBlank() ? "(no output)" : tail;
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  private static void pause() {
    try {
      Thread.sleep(PROBE_PAUSE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the editor", e);
    }
  }
}
