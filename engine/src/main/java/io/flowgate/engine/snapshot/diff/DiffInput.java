package io.flowgate.engine.snapshot.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One side of a {@link SnapshotDiffer#diff diff}: a snapshot's or a live instance's content.
 *
 * <p>Null arguments count as empty; the maps must not hold null keys or values. The lists and maps
 * are copied; the JSON nodes are not, and are only read.
 *
 * @param flows the flow configuration, one element per node as Node-RED's {@code GET /flows}
 *     returns it (tabs, subflow definitions, config nodes, groups and nodes)
 * @param env environment variables by name
 * @param modules installed modules: npm name to version
 * @param credentialFingerprints per node id, a fingerprint of that node's credentials (an HMAC,
 *     never the credentials); a node without credentials has no entry
 * @param settings the settings, a JSON object (top-level keys are compared)
 */
public record DiffInput(
    List<JsonNode> flows,
    Map<String, EnvEntry> env,
    Map<String, String> modules,
    Map<String, String> credentialFingerprints,
    JsonNode settings) {

  public DiffInput {
    flows = flows == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(flows));
    env = copy(env, "env");
    modules = copy(modules, "modules");
    credentialFingerprints = copy(credentialFingerprints, "credentialFingerprints");
    settings =
        settings == null || settings.isNull() ? JsonNodeFactory.instance.objectNode() : settings;
  }

  /** Names and counts only: settings and fingerprints may be sensitive. */
  @Override
  public String toString() {
    return "DiffInput[flows="
        + flows.size()
        + " nodes, env="
        + env.keySet()
        + ", modules="
        + modules
        + ", credentials="
        + credentialFingerprints.size()
        + " nodes, settings="
        + settings.size()
        + " keys]";
  }

  /** Flows only: no env, modules, credentials or settings. */
  public static DiffInput ofFlows(List<JsonNode> flows) {
    return new DiffInput(flows, null, null, null, null);
  }

  private static <V> Map<String, V> copy(Map<String, V> map, String what) {
    if (map == null) {
      return Map.of();
    }
    Map<String, V> copy = new LinkedHashMap<>(map);
    copy.forEach(
        (key, value) -> {
          if (key == null || value == null) {
            throw new IllegalArgumentException(
                what + " must not hold null keys or values (entry " + key + ")");
          }
        });
    return Collections.unmodifiableMap(copy);
  }

  /**
   * An env entry. For a {@code secret} one, {@code value} is an opaque fingerprint of the real
   * value (e.g. an HMAC), compared but never shown.
   */
  public record EnvEntry(boolean secret, String value) {

    /** A plain entry: its value is shown in a diff. */
    public static EnvEntry plain(String value) {
      return new EnvEntry(false, value);
    }

    /** A secret entry, given by the fingerprint of its value. */
    public static EnvEntry secret(String fingerprint) {
      return new EnvEntry(true, fingerprint);
    }

    @Override
    public String toString() {
      return secret ? "EnvEntry[secret]" : "EnvEntry[" + value + "]";
    }
  }
}
