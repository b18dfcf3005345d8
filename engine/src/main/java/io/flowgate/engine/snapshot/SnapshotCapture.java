package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.NodeModule;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedCredentials;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.instance.NodeRedSettings;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Reads everything a snapshot holds from a running instance: flows and modules over the Admin API,
 * credentials from the flows_cred.json Node-RED keeps (decrypted with the instance's secret), env
 * and runtime settings from Flowgate's own records.
 */
@Component
class SnapshotCapture {

  static final String CREDENTIALS_FILE = "flows_cred.json";

  private final LiveInstances live;

  SnapshotCapture(LiveInstances live) {
    this.live = live;
  }

  SnapshotContent.Plain capture(String instanceId) {
    LiveInstances.Target target = live.require(instanceId);
    ArrayNode flows = CanonicalJson.JSON.createArrayNode();
    SortedMap<String, String> modules = new TreeMap<>();
    try (NodeRedAdminClient client = live.adminClient(instanceId)) {
      client.getFlows().flows().forEach(flows::add);
      for (NodeModule module : client.modules()) {
        modules.put(module.module(), module.version());
      }
    }
    List<SnapshotContent.EnvVar> env =
        live.env(instanceId).stream()
            .map(var -> new SnapshotContent.EnvVar(var.name(), var.value(), var.secret()))
            .toList();
    return new SnapshotContent.Plain(
        flows,
        credentials(instanceId, flows),
        NodeRedSettings.parse(target.settings()),
        env,
        modules);
  }

  /** The credentials of the nodes in the flows (Node-RED keeps stale ones until it cleans up). */
  private ObjectNode credentials(String instanceId, ArrayNode flows) {
    Optional<byte[]> file = live.readDataFile(instanceId, CREDENTIALS_FILE);
    ObjectNode result = CanonicalJson.JSON.createObjectNode();
    if (file.isEmpty()) {
      return result;
    }
    JsonNode stored;
    try {
      stored = CanonicalJson.JSON.readTree(file.get());
    } catch (IOException e) {
      throw new IllegalStateException("The instance's " + CREDENTIALS_FILE + " is not JSON", e);
    }
    if (stored == null || !stored.isObject()) {
      return result;
    }
    ObjectNode all = NodeRedCredentials.decrypt(stored, live.credentialSecret(instanceId));
    Set<String> ids = new HashSet<>();
    flows.forEach(node -> ids.add(node.path("id").asText()));
    all.properties()
        .forEach(
            entry -> {
              if (ids.contains(entry.getKey())) {
                result.set(entry.getKey(), entry.getValue());
              }
            });
    return result;
  }
}
