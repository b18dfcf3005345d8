package io.flowgate.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.web.ApiProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Node-RED runtime settings a team may set per instance, and that a snapshot carries. They
 * reach Node-RED as the JSON env var {@code FLOWGATE_NODE_RED_SETTINGS}, which Flowgate's
 * settings.js applies at start: a change needs a restart. An allow-list, because most of
 * settings.js is Flowgate's to decide (admin auth, ports, the credential secret).
 */
public final class NodeRedSettings {

  public static final String ENV_VAR = "FLOWGATE_NODE_RED_SETTINGS";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HTTP_ROOT = Pattern.compile("/[A-Za-z0-9/_.-]{0,99}");
  private static final Map<String, String> KEYS =
      Map.of(
          "timeZone", "an IANA time zone such as Europe/Berlin",
          "httpNodeRoot", "a path such as /api (letters, digits, / _ . -)",
          "debugMaxLength", "a whole number from 100 to 100000",
          "functionTimeout", "seconds from 0 (no limit) to 3600",
          "contextStorage", "memory or localfilesystem");

  private NodeRedSettings() {}

  /** The settings as stored: canonical JSON (keys sorted), {@code {}} for none. */
  public static String validate(JsonNode settings) {
    if (settings == null || settings.isNull()) {
      return "{}";
    }
    if (!settings.isObject()) {
      throw ApiProblem.invalid("settings", "must be an object");
    }
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    settings
        .properties()
        .forEach(
            field -> {
              String key = field.getKey();
              String expected = KEYS.get(key);
              if (expected == null) {
                throw ApiProblem.invalid(
                    "settings." + key,
                    "is not a setting Flowgate manages; known: "
                        + String.join(", ", new TreeMap<>(KEYS).keySet()));
              }
              if (!valid(key, field.getValue())) {
                throw ApiProblem.invalid("settings." + key, "must be " + expected);
              }
              sorted.put(key, field.getValue());
            });
    ObjectNode out = JSON.createObjectNode();
    sorted.forEach(out::set);
    return out.toString();
  }

  /** Stored settings as JSON. */
  public static ObjectNode parse(String stored) {
    try {
      JsonNode node = JSON.readTree(stored == null ? "{}" : stored);
      return node instanceof ObjectNode object ? object : JSON.createObjectNode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean valid(String key, JsonNode value) {
    return switch (key) {
      case "timeZone" -> value.isTextual() && isZone(value.asText());
      case "httpNodeRoot" -> value.isTextual() && HTTP_ROOT.matcher(value.asText()).matches();
      case "debugMaxLength" ->
          value.canConvertToExactIntegral() && value.asLong() >= 100 && value.asLong() <= 100_000;
      case "functionTimeout" ->
          value.isNumber() && value.asDouble() >= 0 && value.asDouble() <= 3600;
      case "contextStorage" ->
          value.isTextual()
              && ("memory".equals(value.asText()) || "localfilesystem".equals(value.asText()));
      default -> false;
    };
  }

  private static boolean isZone(String zone) {
    try {
      ZoneId.of(zone);
      return zone.contains("/") || "UTC".equals(zone);
    } catch (DateTimeException e) {
      return false;
    }
  }
}
