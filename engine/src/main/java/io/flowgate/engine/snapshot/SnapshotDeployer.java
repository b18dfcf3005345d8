package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeModule;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedApiException;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.instance.NodeRedSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts a snapshot onto an instance and checks the result. Safe to repeat: each step compares what
 * runs with what should run.
 *
 * <p>Env rule: a snapshot of the instance itself (rollback, restore) brings back exactly its env. A
 * snapshot of another instance (promotion) adds the variables the target lacks and keeps the
 * target's own values: endpoints and credentials differ per stage. Runtime settings always come
 * from the snapshot. Env or settings that change, or a Node-RED that does not run, make the
 * container again (Node-RED restarts); modules are installed and removed through the Admin API
 * (another version of a loaded module needs a restart too); flows go in with their credentials,
 * which Node-RED encrypts with the target's own secret.
 */
@Component
public class SnapshotDeployer {

  private static final Logger log = LoggerFactory.getLogger(SnapshotDeployer.class);
  private static final Duration MODULE_INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SETTLE = Duration.ofSeconds(2);
  private static final String CORE_MODULE = "node-red";
  // node types that are not provided by a module
  private static final Set<String> STRUCTURAL_TYPES = Set.of("tab", "subflow", "group", "junction");

  private final SnapshotRepository snapshots;
  private final SnapshotStore store;
  private final SnapshotKey key;
  private final LiveInstances live;

  SnapshotDeployer(
      SnapshotRepository snapshots, SnapshotStore store, SnapshotKey key, LiveInstances live) {
    this.snapshots = snapshots;
    this.store = store;
    this.key = key;
    this.live = live;
  }

  public void deploy(String snapshotId, String instanceId) {
    Snapshot snapshot = require(snapshotId);
    SnapshotContent.Plain plain = store.load(snapshot.hash()).open(key.secret());
    LiveInstances.Target target = live.require(instanceId);

    List<LiveInstances.EnvVar> currentEnv = live.env(instanceId);
    List<LiveInstances.EnvVar> env =
        mergeEnv(currentEnv, plain.env(), instanceId.equals(snapshot.instanceId()));
    String settings = NodeRedSettings.validate(plain.settings());
    boolean restart =
        !env.equals(currentEnv)
            || !settings.equals(NodeRedSettings.validate(NodeRedSettings.parse(target.settings())))
            || !live.running(instanceId);
    if (restart) {
      live.replaceEnvAndSettings(instanceId, env, settings);
      log.info("Instance {}: env or settings change (or it was down); restarting it", instanceId);
      live.recreate(instanceId);
    }
    try {
      Map<String, String> installed = new HashMap<>();
      boolean upgraded = false;
      try (NodeRedAdminClient client = live.adminClient(instanceId)) {
        client.modules().forEach(module -> installed.put(module.module(), module.version()));
        for (Map.Entry<String, String> module : plain.modules().entrySet()) {
          String now = installed.get(module.getKey());
          if (!CORE_MODULE.equals(module.getKey()) && !module.getValue().equals(now)) {
            install(client, module.getKey(), module.getValue());
            upgraded |= now != null;
          }
        }
      }
      if (upgraded) {
        // Node-RED loads another version of a loaded module only when it starts again
        live.recreate(instanceId);
      }
      try (NodeRedAdminClient client = live.adminClient(instanceId)) {
        client.setFlows(withCredentials(plain), null, DeploymentType.FULL);
        for (String module : installed.keySet()) {
          if (!CORE_MODULE.equals(module) && !plain.modules().containsKey(module)) {
            remove(client, module);
          }
        }
      }
    } catch (NodeRedApiException e) {
      if (e.status() >= 400 && e.status() < 500) {
        throw new InstanceStepFailed("Node-RED refused the snapshot: " + e.getMessage(), e);
      }
      throw e;
    }
    log.info("Snapshot {} deployed to instance {}", snapshotId, instanceId);
  }

  /**
   * The instance runs the snapshot and stays up: Node-RED runs, its flows are the snapshot's nodes,
   * every node type is installed, and it still runs a moment later.
   */
  public void verify(String snapshotId, String instanceId) {
    Snapshot snapshot = require(snapshotId);
    SnapshotContent content = store.load(snapshot.hash());
    live.waitForEditor(instanceId);
    try (NodeRedAdminClient client = live.adminClient(instanceId)) {
      Set<String> expected = ids(content.flows());
      Set<String> running = new HashSet<>();
      client.getFlows().flows().forEach(node -> running.add(node.path("id").asText()));
      if (!running.equals(expected)) {
        throw new InstanceStepFailed(
            "The instance runs "
                + running.size()
                + " nodes, not the snapshot's "
                + expected.size()
                + ": the deploy did not take");
      }
      Set<String> types = new HashSet<>();
      for (NodeModule module : client.modules()) {
        types.addAll(module.types());
      }
      Set<String> missing = new TreeSet<>();
      for (JsonNode node : content.flows()) {
        String type = node.path("type").asText();
        boolean subflowInstance =
            type.startsWith("subflow:") && expected.contains(type.substring(8));
        if (!STRUCTURAL_TYPES.contains(type) && !subflowInstance && !types.contains(type)) {
          missing.add(type);
        }
      }
      if (!missing.isEmpty()) {
        throw new InstanceStepFailed(
            "Node-RED lacks the node types " + String.join(", ", missing) + ": flows cannot run");
      }
    }
    pause();
    if (!live.running(instanceId)) {
      throw new InstanceStepFailed("Node-RED stopped right after the deploy");
    }
  }

  static List<LiveInstances.EnvVar> mergeEnv(
      List<LiveInstances.EnvVar> current, List<SnapshotContent.EnvVar> fromSnapshot, boolean own) {
    List<LiveInstances.EnvVar> snapshotEnv =
        fromSnapshot.stream()
            .map(var -> new LiveInstances.EnvVar(var.name(), var.value(), var.secret()))
            .toList();
    if (own) {
      return snapshotEnv;
    }
    Map<String, LiveInstances.EnvVar> merged = new LinkedHashMap<>();
    current.forEach(var -> merged.put(var.name(), var));
    snapshotEnv.forEach(var -> merged.putIfAbsent(var.name(), var));
    return new ArrayList<>(merged.values());
  }

  private static List<JsonNode> withCredentials(SnapshotContent.Plain plain) {
    List<JsonNode> flows = new ArrayList<>();
    for (JsonNode node : plain.flows()) {
      JsonNode credentials = plain.credentials().get(node.path("id").asText());
      if (credentials != null && node instanceof ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.set("credentials", credentials);
        flows.add(copy);
      } else {
        flows.add(node);
      }
    }
    return flows;
  }

  private static Set<String> ids(Iterable<JsonNode> flows) {
    Set<String> ids = new HashSet<>();
    flows.forEach(node -> ids.add(node.path("id").asText()));
    return ids;
  }

  private static void install(NodeRedAdminClient client, String module, String version) {
    log.info("Installing {}@{}", module, version);
    client.installModule(module, version, MODULE_INSTALL_TIMEOUT);
  }

  private static void remove(NodeRedAdminClient client, String module) {
    try {
      client.removeModule(module);
      log.info("Removed module {}, which the snapshot does not have", module);
    } catch (NodeRedApiException e) {
      // Node-RED refuses to remove a module in use; the verification then tells.
      log.warn("Module {} stays: {}", module, e.getMessage());
    }
  }

  private Snapshot require(String snapshotId) {
    return snapshots
        .find(snapshotId)
        .orElseThrow(() -> new InstanceStepFailed("Snapshot " + snapshotId + " no longer exists"));
  }

  private static void pause() {
    try {
      Thread.sleep(SETTLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while the deploy settled", e);
    }
  }
}
