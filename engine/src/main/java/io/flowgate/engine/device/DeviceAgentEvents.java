package io.flowgate.engine.device;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Audit events that agents post ({@code {"event": "...", "info": {...}}}): recorded as {@code
 * device.agent.<event>} by the actor {@code device:<id>}. An event name is cut to letters, digits
 * and {@code . _ -}; an {@code info} of more than {@value #MAX_INFO} characters is kept as text,
 * cut off.
 */
@Component
class DeviceAgentEvents {

  static final int MAX_INFO = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final AuditLog audit;

  DeviceAgentEvents(AuditLog audit) {
    this.audit = audit;
  }

  @Transactional
  public void record(String deviceId, LiveDevices.Target device, JsonNode body) {
    String event = body.path("event").asText("").toLowerCase(Locale.ROOT);
    event = event.replaceAll("[^a-z0-9._-]", "-");
    if (event.isEmpty()) {
      event = "unknown";
    }
    if (event.length() > 64) {
      event = event.substring(0, 64);
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", device.name());
    details.put("event", event);
    JsonNode info = body.get("info");
    if (info != null && !info.isNull()) {
      String text = info.toString();
      if (text.length() > MAX_INFO || !info.isObject()) {
        details.put("info", text.length() > MAX_INFO ? text.substring(0, MAX_INFO) : text);
      } else {
        details.put("info", JSON.convertValue(info, MAP));
      }
    }
    audit.record(
        new AuditEvent(
            "device:" + deviceId,
            "device.agent." + event,
            "device",
            deviceId,
            device.organizationId(),
            device.teamId(),
            details));
  }
}
