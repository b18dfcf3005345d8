package io.flowgate.engine.device;

import io.flowgate.engine.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Device groups", description = "Groups of an application's devices, with shared env")
class DeviceGroupController {

  private final DeviceGroupService groups;

  DeviceGroupController(DeviceGroupService groups) {
    this.groups = groups;
  }

  @PostMapping(
      path = "/api/v1/applications/{id}/device-groups",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Create a device group of the application",
      description =
          "deviceIds: devices of the application that are in no other group; env: variables"
              + " every member gets (a member's own env overrides them).")
  ResponseEntity<DeviceGroup> create(
      Caller caller, @PathVariable String id, @Valid @RequestBody DeviceGroupRequest body) {
    DeviceGroup group = groups.create(caller, id, body);
    return ResponseEntity.created(URI.create("/api/v1/device-groups/" + group.id())).body(group);
  }

  @GetMapping("/api/v1/applications/{id}/device-groups")
  @Operation(summary = "List the application's device groups by name")
  List<DeviceGroup> list(Caller caller, @PathVariable String id) {
    return groups.list(caller, id);
  }

  @GetMapping("/api/v1/device-groups/{id}")
  @Operation(summary = "Get a device group with its members")
  DeviceGroup get(Caller caller, @PathVariable String id) {
    return groups.get(caller, id);
  }

  @PutMapping(path = "/api/v1/device-groups/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace a device group's name, members and env",
      description =
          "The same body as the create. Members pick changed settings up on their next heartbeat.")
  DeviceGroup update(
      Caller caller, @PathVariable String id, @Valid @RequestBody DeviceGroupRequest body) {
    return groups.update(caller, id, body);
  }

  @DeleteMapping("/api/v1/device-groups/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  @Operation(summary = "Delete a device group; its devices stay, without a group")
  void delete(Caller caller, @PathVariable String id) {
    groups.delete(caller, id);
  }
}
