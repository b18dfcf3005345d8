package io.flowgate.engine.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.snapshot.CanonicalJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The settings a device is to run, as {@code GET live/settings} gives them: its env (the group's,
 * overridden by the device's own, and the platform's {@code FF_} values, which nobody overrides)
 * and its Node-RED version pin; {@code hash} is the SHA-256 of their canonical JSON, so it changes
 * exactly when they do.
 */
final class EffectiveSettings {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<DeviceEnvVar>> ENV_LIST = new TypeReference<>() {};

  /** The platform's env var names: reserved in group and device env. */
  static final String PLATFORM_PREFIX = "FF_";

  private EffectiveSettings() {}

  /** The settings document without its hash. */
  static ObjectNode document(DeviceRepository.SettingsFacts facts) {
    Map<String, String> env = new TreeMap<>();
    for (DeviceEnvVar var : parseEnv(facts.groupEnvJson())) {
      env.put(var.name(), var.value());
    }
    for (DeviceEnvVar var : parseEnv(facts.envJson())) {
      env.put(var.name(), var.value());
    }
    env.put("FF_DEVICE_ID", facts.id());
    env.put("FF_DEVICE_NAME", facts.name());
    env.put("FF_DEVICE_TYPE", facts.type());
    if (facts.applicationId() != null) {
      env.put("FF_APPLICATION_ID", facts.applicationId());
      env.put("FF_APPLICATION_NAME", facts.applicationName());
    }
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode envNode = doc.putObject("env");
    env.forEach(envNode::put);
    if (facts.nodeRedVersionPin() != null) {
      doc.put("nodeRedVersion", facts.nodeRedVersionPin());
    }
    return doc;
  }

  static String hash(ObjectNode document) {
    return CanonicalJson.sha256(CanonicalJson.bytes(document));
  }

  static String hash(DeviceRepository.SettingsFacts facts) {
    return hash(document(facts));
  }

  /** The document with its hash, as the device gets it. */
  static ObjectNode withHash(DeviceRepository.SettingsFacts facts) {
    ObjectNode doc = document(facts);
    String hash = hash(doc);
    ObjectNode out = JSON.createObjectNode();
    out.put("hash", hash);
    out.setAll(doc);
    return out;
  }

  static List<DeviceEnvVar> parseEnv(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return JSON.readValue(json, ENV_LIST);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A stored env list is not JSON", e);
    }
  }

  static String envJson(List<DeviceEnvVar> env) {
    try {
      return JSON.writeValueAsString(env == null ? List.of() : env);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
