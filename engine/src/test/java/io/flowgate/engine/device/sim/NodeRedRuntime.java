package io.flowgate.engine.device.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.testing.NodeRedProcess;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Node-RED on the virtual device, as the FlowFuse agent's launcher runs it: the snapshot's
 * flows in {@code flows.json}, its credentials verbatim in {@code flows_cred.json} (Node-RED
 * decrypts them with the device's credential secret from {@code settings.js}), and the env of the
 * snapshot overridden by the env of the settings. Node-RED comes from {@code
 * flowgate.node-red.home} ({@code .tools/node-red}); the snapshot's other modules are not
 * installed, so its flows must use core nodes. The credentials are first decrypted here, as a
 * check.
 */
public final class NodeRedRuntime implements DeviceRuntime {

  private static final ObjectMapper JSON = new ObjectMapper();

  private volatile NodeRedProcess process;
  private volatile ObjectNode credentials;

  @Override
  public synchronized void run(JsonNode snapshot, JsonNode settings, String credentialSecret) {
    credentials = NodeRedCredentialFormat.decrypt(snapshot.path("credentials"), credentialSecret);
    Map<String, String> env = new LinkedHashMap<>();
    snapshot.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    settings.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    String settingsJs =
        "Object.assign(process.env, "
            + JSON.valueToTree(env)
            + ");\n"
            + "module.exports = {\n"
            + "    flowFile: 'flows.json',\n"
            + "    credentialSecret: "
            + JSON.valueToTree(credentialSecret)
            + ",\n"
            + "    telemetry: { enabled: false, updateNotification: false },\n"
            + "    logging: { console: { level: 'info', metrics: false, audit: false } }\n"
            + "};\n";
    stop();
    process =
        NodeRedProcess.start(
            settingsJs,
            Map.of(
                "flows.json",
                snapshot.path("flows").toString().getBytes(StandardCharsets.UTF_8),
                "flows_cred.json",
                snapshot.path("credentials").toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** The port Node-RED listens on now; fails when it does not run. */
  public int port() {
    NodeRedProcess running = process;
    if (running == null || !running.isAlive()) {
      throw new IllegalStateException("Node-RED does not run on this device");
    }
    return running.port();
  }

  /** The credentials as this device decrypted them last. */
  public ObjectNode credentials() {
    return credentials;
  }

  @Override
  public synchronized void stop() {
    if (process != null) {
      process.close();
      process = null;
    }
  }
}
