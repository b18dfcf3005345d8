package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.flowgate.connectors.nodered.NodeRedCredentials;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotContent;
import io.flowgate.engine.snapshot.SnapshotService;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * What {@code GET live/snapshot} and {@code GET live/settings} give a device. A snapshot's content
 * is read and decrypted once and kept (a few snapshots at a time: a rollout sends the same one to
 * thousands of devices); per device only its credentials are encrypted again, for the device's own
 * credential secret, and the platform's env values are added.
 */
@Component
class DeviceDeliveries {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SNAPSHOTS_KEPT = 16;

  /** What an agent installs when a snapshot names no Node-RED version. */
  static final String DEFAULT_NODE_RED = "latest";

  /** A snapshot ready to hand out: its flows as JSON text, its secrets in clear. */
  private record Opened(
      String id,
      String name,
      String description,
      RawValue flows,
      ObjectNode credentials,
      Map<String, String> env,
      SortedMap<String, String> modules) {
    @Override
    public String toString() {
      return "Opened[" + id + "]";
    }
  }

  /** Settings as last read, with the hash they had. */
  private record SettingsJson(String hash, byte[] json) {}

  private static final int SETTINGS_KEPT = 50_000;

  private final Map<String, SettingsJson> settingsKept =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SettingsJson> eldest) {
              return size() > SETTINGS_KEPT;
            }
          });
  private final Object opening = new Object();
  private final SnapshotService snapshots;
  private final DeviceRepository devices;
  private final SecretBox secrets;
  private final Map<String, Opened> opened =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(SNAPSHOTS_KEPT, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Opened> eldest) {
              return size() > SNAPSHOTS_KEPT;
            }
          });

  DeviceDeliveries(SnapshotService snapshots, DeviceRepository devices, SecretBox secrets) {
    this.snapshots = snapshots;
    this.devices = devices;
    this.secrets = secrets;
  }

  /**
   * The device's target snapshot: id, name, description, flows, credentials encrypted for the
   * device's credential secret, modules with {@code node-red} (the device's pin wins) and env with
   * the platform's values; {@code {}} when the device has no target.
   */
  ObjectNode snapshot(String deviceId, LiveDevices.Target target) {
    ObjectNode out = JSON.createObjectNode();
    if (target.targetSnapshotId() == null) {
      return out;
    }
    Opened snapshot = open(target.targetSnapshotId());
    out.put("id", snapshot.id());
    out.put("name", snapshot.name());
    out.put("description", snapshot.description() == null ? "" : snapshot.description());
    out.putRawValue("flows", snapshot.flows());
    String secret = secrets.decrypt(target.sealedCredentialSecret());
    out.set("credentials", NodeRedCredentials.encrypt(snapshot.credentials(), secret));
    ObjectNode modules = out.putObject("modules");
    snapshot.modules().forEach(modules::put);
    if (target.nodeRedVersionPin() != null) {
      modules.put("node-red", target.nodeRedVersionPin());
    } else if (!modules.has("node-red")) {
      modules.put("node-red", DEFAULT_NODE_RED);
    }
    ObjectNode env = out.putObject("env");
    snapshot.env().forEach(env::put);
    env.put("FF_DEVICE_ID", deviceId);
    env.put("FF_DEVICE_NAME", target.name());
    env.put("FF_DEVICE_TYPE", target.type());
    env.put("FF_SNAPSHOT_ID", snapshot.id());
    env.put("FF_SNAPSHOT_NAME", snapshot.name());
    if (target.applicationId() != null) {
      env.put("FF_APPLICATION_ID", target.applicationId());
      env.put("FF_APPLICATION_NAME", target.applicationName());
    }
    return out;
  }

  /** The device's effective settings with their hash, as they are in the database now. */
  ObjectNode settings(String deviceId) {
    return devices.settingsFacts(java.util.List.of(deviceId)).stream()
        .findFirst()
        .map(EffectiveSettings::withHash)
        .orElseThrow(() -> io.flowgate.engine.web.ApiProblem.notFound("Device", deviceId));
  }

  /**
   * The device's settings as JSON, kept while the settings hash of its target is the one they were
   * read with: a rollout moves thousands of devices whose settings did not change, and each asks
   * for them with its snapshot. A change of settings changes the hash (and the target, when it
   * commits), so the next request reads them again.
   */
  byte[] settingsJson(String deviceId, LiveDevices.Target target) throws IOException {
    SettingsJson kept = settingsKept.get(deviceId);
    if (kept != null && kept.hash().equals(target.settingsHash())) {
      return kept.json();
    }
    ObjectNode settings = settings(deviceId);
    byte[] json = JSON.writeValueAsBytes(settings);
    settingsKept.put(deviceId, new SettingsJson(settings.path("hash").asText(), json));
    return json;
  }

  private Opened open(String snapshotId) {
    Opened found = opened.get(snapshotId);
    if (found != null) {
      return found;
    }
    // a wave's devices all ask for the same snapshot within a second: read and decrypt it once
    synchronized (opening) {
      found = opened.get(snapshotId);
      return found != null ? found : load(snapshotId);
    }
  }

  private Opened load(String snapshotId) {
    Snapshot snapshot =
        snapshots
            .find(snapshotId)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The target snapshot " + snapshotId + " of a device does not exist"));
    SnapshotContent.Plain plain = snapshots.openContent(snapshot);
    Map<String, String> env = new LinkedHashMap<>();
    for (SnapshotContent.EnvVar var : plain.env()) {
      env.put(var.name(), var.value() == null ? "" : var.value());
    }
    Opened made =
        new Opened(
            snapshot.id(),
            snapshot.name(),
            snapshot.description(),
            new RawValue(plain.flows().toString()),
            plain.credentials(),
            Map.copyOf(env),
            new TreeMap<>(plain.modules()));
    opened.put(snapshotId, made);
    return made;
  }
}
