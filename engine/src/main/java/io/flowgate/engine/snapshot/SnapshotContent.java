package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.NodeRedCredentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot as stored ({@value #FORMAT}): flows, Node-RED's encrypted credentials, runtime
 * settings, env vars (secret values encrypted apart, in the same format) and the module list. The
 * secrets are encrypted deterministically, so equal content is equal bytes and one stored object.
 */
public record SnapshotContent(
    ArrayNode flows,
    ObjectNode credentials,
    ObjectNode settings,
    List<EnvVar> env,
    ObjectNode secretEnv,
    SortedMap<String, String> modules) {

  public static final String FORMAT = "flowgate.snapshot/1";

  /** An env var; a secret one has no value here (it is in {@code secretEnv}). */
  public record EnvVar(String name, String value, boolean secret) {
    @Override
    public String toString() {
      return "EnvVar[" + name + (secret ? ", secret" : "") + "]";
    }
  }

  /** The content with its secrets in clear, for capture and deploy only: never stored so. */
  public record Plain(
      ArrayNode flows,
      ObjectNode credentials,
      ObjectNode settings,
      List<EnvVar> env,
      SortedMap<String, String> modules) {

    public SnapshotContent seal(String secret) {
      ObjectNode values = CanonicalJson.JSON.createObjectNode();
      List<EnvVar> shown = new ArrayList<>();
      for (EnvVar var : env) {
        if (var.secret()) {
          values.put(var.name(), var.value());
          shown.add(new EnvVar(var.name(), null, true));
        } else {
          shown.add(var);
        }
      }
      return new SnapshotContent(
          flows,
          NodeRedCredentials.encryptDeterministic(credentials, secret),
          settings,
          List.copyOf(shown),
          NodeRedCredentials.encryptDeterministic(values, secret),
          modules);
    }

    @Override
    public String toString() {
      return "SnapshotContent.Plain[" + flows.size() + " nodes]";
    }
  }

  public Plain open(String secret) {
    ObjectNode values = NodeRedCredentials.decrypt(secretEnv, secret);
    List<EnvVar> full = new ArrayList<>();
    for (EnvVar var : env) {
      full.add(
          var.secret() ? new EnvVar(var.name(), values.path(var.name()).asText(""), true) : var);
    }
    return new Plain(
        flows, NodeRedCredentials.decrypt(credentials, secret), settings, full, modules);
  }

  public int nodeCount() {
    return flows.size();
  }

  public String nodeRedVersion() {
    return modules.get("node-red");
  }

  public ObjectNode toJson() {
    ObjectNode json = CanonicalJson.JSON.createObjectNode();
    json.put("format", FORMAT);
    json.set("flows", flows);
    json.set("credentials", credentials);
    json.set("settings", settings);
    ArrayNode vars = json.putArray("env");
    for (EnvVar var : env) {
      ObjectNode item = vars.addObject().put("name", var.name());
      if (var.secret()) {
        item.put("secret", true);
      } else {
        item.put("value", var.value());
      }
    }
    json.set("secretEnv", secretEnv);
    ObjectNode mods = json.putObject("modules");
    modules.forEach(mods::put);
    return json;
  }

  public byte[] canonicalBytes() {
    return CanonicalJson.bytes(toJson());
  }

  /**
   * Reads stored or imported content.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static SnapshotContent fromJson(JsonNode json) {
    if (!json.isObject() || !FORMAT.equals(json.path("format").asText())) {
      throw new IllegalArgumentException("is not a snapshot of format " + FORMAT);
    }
    ArrayNode flows = json.get("flows") instanceof ArrayNode array ? array : null;
    if (flows == null) {
      throw new IllegalArgumentException("has no flows array");
    }
    for (JsonNode node : flows) {
      if (!node.isObject() || !node.path("id").isTextual() || !node.path("type").isTextual()) {
        throw new IllegalArgumentException("has a flow node without a text id and type");
      }
    }
    List<EnvVar> env = new ArrayList<>();
    Map<String, Boolean> seen = new LinkedHashMap<>();
    for (JsonNode var : json.path("env")) {
      String name = var.path("name").asText("");
      if (name.isEmpty() || seen.put(name, true) != null) {
        throw new IllegalArgumentException("has an env var without a name or a name twice");
      }
      boolean secret = var.path("secret").asBoolean(false);
      env.add(new EnvVar(name, secret ? null : var.path("value").asText(""), secret));
    }
    SortedMap<String, String> modules = new TreeMap<>();
    json.path("modules").properties().forEach(m -> modules.put(m.getKey(), m.getValue().asText()));
    return new SnapshotContent(
        flows,
        object(json, "credentials"),
        object(json, "settings"),
        List.copyOf(env),
        object(json, "secretEnv"),
        modules);
  }

  private static ObjectNode object(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return CanonicalJson.JSON.createObjectNode();
    }
    if (value instanceof ObjectNode object) {
      return object;
    }
    throw new IllegalArgumentException("has a " + field + " that is not an object");
  }

  @Override
  public String toString() {
    return "SnapshotContent[" + flows.size() + " nodes, " + env.size() + " env vars]";
  }
}
