package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device API of the FlowFuse device agent in HTTP-polling mode (device-protocol.md), with the
 * device's own token. Heartbeats are answered from memory ({@link LiveDevices}); they never touch
 * the process engine. The ordinary heartbeat is answered by {@link DeviceAgentFastPath} before it
 * reaches this controller; the mapping here answers the rest (and documents the API).
 */
@RestController
@Tag(
    name = "Device agent API",
    description =
        "What FlowFuse device agents call, with 'Authorization: Bearer <device token>': heartbeat,"
            + " target snapshot, settings, audit events")
class DeviceLiveController {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The answer to a heartbeat in order, and the body of one without a body. */
  static final ObjectNode EMPTY = JSON.createObjectNode();

  private final LiveDevices live;
  private final DeviceDeliveries deliveries;
  private final DeviceAgentEvents events;

  DeviceLiveController(LiveDevices live, DeviceDeliveries deliveries, DeviceAgentEvents events) {
    this.live = live;
    this.deliveries = deliveries;
    this.events = events;
  }

  @PostMapping(
      path = "/api/v1/devices/{id}/live/state",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Heartbeat: the device reports what it runs",
      description =
          "200 {} when it runs its target snapshot and settings; 409 with the targets"
              + " (snapshot, settings, application, project, ownerType) when it must change.")
  ResponseEntity<ObjectNode> heartbeat(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) JsonNode body) {
    LiveDevices.Entry device = live.authenticate(id, authorization);
    LiveDevices.Answer answer =
        live.heartbeat(device, body == null || !body.isObject() ? EMPTY : body);
    if (answer.inOrder()) {
      return ResponseEntity.ok(EMPTY);
    }
    return ResponseEntity.status(HttpStatus.CONFLICT).body(conflict(answer));
  }

  /** The body of a 409: the targets and what is not in order. */
  static ObjectNode conflict(LiveDevices.Answer answer) {
    ObjectNode conflict = targets(answer.target());
    conflict.put("error", answer.error());
    return conflict;
  }

  @GetMapping(path = "/api/v1/devices/{id}/live/state", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "What the device is to run")
  ObjectNode state(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LiveDevices.Target target = live.authenticate(id, authorization).target;
    ObjectNode state = targets(target);
    state.put("mode", "autonomous");
    state.put("licensed", false);
    return state;
  }

  @GetMapping(
      path = "/api/v1/devices/{id}/live/snapshot",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "The device's target snapshot",
      description =
          "flows, credentials encrypted for the device's credential secret, modules (with"
              + " node-red) and env (with FF_DEVICE_ID, FF_SNAPSHOT_ID, ...); {} when it has none.")
  ObjectNode snapshot(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LiveDevices.Entry device = live.authenticate(id, authorization);
    return deliveries.snapshot(device.id, device.target);
  }

  @GetMapping(
      path = "/api/v1/devices/{id}/live/settings",
      produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "The device's settings: {hash, env}")
  ObjectNode settings(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    LiveDevices.Entry device = live.authenticate(id, authorization);
    return deliveries.settings(device.id);
  }

  @PostMapping(path = "/logging/device/{id}/audit", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(summary = "An event of the agent, recorded in the audit log")
  ObjectNode audit(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) JsonNode body) {
    LiveDevices.Entry device = live.authenticate(id, authorization);
    events.record(device.id, device.target, body == null ? EMPTY : body);
    return EMPTY;
  }

  private static ObjectNode targets(LiveDevices.Target target) {
    ObjectNode json = JSON.createObjectNode();
    json.put("ownerType", target.applicationId() == null ? "none" : "application");
    json.put("application", target.applicationId());
    json.putNull("project");
    json.put("snapshot", target.targetSnapshotId());
    json.put("settings", target.settingsHash());
    return json;
  }
}
