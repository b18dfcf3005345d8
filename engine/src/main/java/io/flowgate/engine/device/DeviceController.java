package io.flowgate.engine.device;

import io.flowgate.engine.security.Caller;
import io.flowgate.engine.token.IssuedProvisioningToken;
import io.flowgate.engine.token.ProvisioningToken;
import io.flowgate.engine.token.TokenService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(
    name = "Devices",
    description =
        "Edge devices running the FlowFuse device agent, their settings and provisioning tokens")
class DeviceController {

  record RegisterDevice(
      @Size(max = 100, message = "at most 100 characters") String name,
      @Size(max = 100, message = "at most 100 characters") String type,
      String application) {}

  record ProvisionDevice(String name, String type, String team) {}

  record UpdateDevice(
      @Size(max = 100, message = "at most 100 characters") String name,
      @Size(max = 100, message = "at most 100 characters") String type,
      String application) {}

  record SetTarget(String snapshotId) {}

  record CreateProvisioningToken(
      @Size(max = 100, message = "at most 100 characters") String name,
      String application,
      Instant expiresAt) {}

  /** The device as {@code POST /api/v1/devices} answers it, in the shape the agent reads. */
  record ProvisionedDevice(
      String id,
      String name,
      String type,
      String team,
      String application,
      RegisteredDevice.Credentials credentials,
      String forgeURL,
      String deviceYml) {
    @Override
    public String toString() {
      return "ProvisionedDevice[" + id + "]";
    }
  }

  private final DeviceService devices;
  private final TokenService tokens;

  DeviceController(DeviceService devices, TokenService tokens) {
    this.devices = devices;
    this.tokens = tokens;
  }

  @PostMapping(path = "/api/v1/teams/{teamId}/devices", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Register a device of the team",
      description =
          "Answers the device with its credentials (token and credential secret) and deviceYml,"
              + " the agent's configuration file with them: save it as device.yml. They are shown"
              + " this once.")
  ResponseEntity<RegisteredDevice> register(
      Caller caller, @PathVariable String teamId, @Valid @RequestBody RegisterDevice body) {
    RegisteredDevice registered =
        devices.register(caller, teamId, body.name(), body.type(), body.application());
    return ResponseEntity.created(URI.create("/api/v1/devices/" + registered.device().id()))
        .body(registered);
  }

  @PostMapping(path = "/api/v1/devices", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Register a device with a provisioning token (the device agent does this)",
      description =
          "With 'Authorization: Bearer <provisioning token>' and {name, type, team}. Answers 200"
              + " (the agent accepts nothing else) with the device's id and credentials.")
  ProvisionedDevice provision(Caller caller, @RequestBody ProvisionDevice body) {
    RegisteredDevice registered = devices.provision(caller, body.name(), body.type(), body.team());
    Device device = registered.device();
    return new ProvisionedDevice(
        device.id(),
        device.name(),
        device.type(),
        device.teamId(),
        device.applicationId(),
        registered.credentials(),
        devices.forgeUrl(),
        registered.deviceYml());
  }

  @GetMapping("/api/v1/teams/{teamId}/devices")
  @Operation(
      summary = "List the team's devices by name, a page at a time",
      description =
          "limit: 1 to 1000 (default 100); after: the 'next' of the previous page; application:"
              + " only the devices of that application.")
  DevicePage list(
      Caller caller,
      @PathVariable String teamId,
      @RequestParam(required = false) String application,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Integer limit) {
    return devices.list(caller, teamId, application, after, limit);
  }

  @GetMapping("/api/v1/devices/{id}")
  @Operation(summary = "Get a device: targets and what it last reported")
  Device get(Caller caller, @PathVariable String id) {
    return devices.get(caller, id);
  }

  @PutMapping(path = "/api/v1/devices/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Change a device's name, type and application",
      description = "A device that changes application leaves its group and its target snapshot.")
  Device update(Caller caller, @PathVariable String id, @Valid @RequestBody UpdateDevice body) {
    return devices.update(caller, id, body.name(), body.type(), body.application());
  }

  @DeleteMapping("/api/v1/devices/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a device; its token stops working and its agent stops")
  void delete(Caller caller, @PathVariable String id) {
    devices.delete(caller, id);
  }

  @GetMapping("/api/v1/devices/{id}/settings")
  @Operation(summary = "Get a device's own settings (env overriding its group's, Node-RED pin)")
  DeviceSettings settings(Caller caller, @PathVariable String id) {
    return devices.settings(caller, id);
  }

  @PutMapping(path = "/api/v1/devices/{id}/settings", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace a device's own settings",
      description =
          "env overrides the env of the device's group; nodeRedVersion is installed instead of"
              + " the snapshot's with the next snapshot the device gets. The device picks the"
              + " settings up on its next heartbeat.")
  DeviceSettings updateSettings(
      Caller caller, @PathVariable String id, @Valid @RequestBody DeviceSettings body) {
    return devices.updateSettings(caller, id, body);
  }

  @PutMapping(path = "/api/v1/devices/{id}/target", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Set the snapshot one device is to run",
      description =
          "snapshotId: a snapshot of the device's application, or null for none. Groups get"
              + " snapshots by rollouts.")
  Device setTarget(Caller caller, @PathVariable String id, @RequestBody SetTarget body) {
    return devices.setTarget(caller, id, body.snapshotId());
  }

  @PostMapping(
      path = "/api/v1/teams/{teamId}/provisioning-tokens",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Create a provisioning token (team owners)",
      description =
          "Device agents with it register themselves in the team, and in the application if one"
              + " is named. The token is shown this once.")
  ResponseEntity<IssuedProvisioningToken> createProvisioningToken(
      Caller caller,
      @PathVariable String teamId,
      @Valid @RequestBody CreateProvisioningToken body) {
    IssuedProvisioningToken issued =
        devices.createProvisioningToken(
            caller, teamId, body.name(), body.application(), body.expiresAt());
    return ResponseEntity.created(
            URI.create(
                "/api/v1/teams/"
                    + teamId
                    + "/provisioning-tokens/"
                    + issued.provisioningToken().id()))
        .body(issued);
  }

  @GetMapping("/api/v1/teams/{teamId}/provisioning-tokens")
  @Operation(summary = "List the team's provisioning tokens (team owners)")
  List<ProvisioningToken> listProvisioningTokens(Caller caller, @PathVariable String teamId) {
    return tokens.listProvisioningTokens(caller, teamId);
  }

  @DeleteMapping("/api/v1/teams/{teamId}/provisioning-tokens/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Revoke a provisioning token (team owners); its devices stay")
  void revokeProvisioningToken(
      Caller caller, @PathVariable String teamId, @PathVariable String id) {
    tokens.revokeProvisioningToken(caller, teamId, id);
  }
}
