package io.flowgate.engine.instance;

import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class InstanceController {

  /** Optional body of actions and delete: where to POST the outcome. */
  record ActionRequest(String callbackUrl) {}

  private final InstanceService instances;

  InstanceController(InstanceService instances) {
    this.instances = instances;
  }

  @PostMapping(path = "/api/v1/instances", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<InstanceService.Accepted> create(
      Caller caller, @Valid @RequestBody InstanceRequest body) {
    InstanceService.Accepted accepted = instances.create(caller, body);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/instances/" + accepted.id()))
        .body(accepted);
  }

  @GetMapping("/api/v1/instances")
  List<Instance> list(Caller caller, @RequestParam(name = "team", required = false) String team) {
    return instances.list(caller, team);
  }

  @GetMapping("/api/v1/instances/{id}")
  Instance get(Caller caller, @PathVariable String id) {
    return instances.get(caller, id);
  }

  @PostMapping("/api/v1/instances/{id}/actions/{action}")
  ResponseEntity<InstanceService.Accepted> act(
      Caller caller,
      @PathVariable String id,
      @PathVariable String action,
      @RequestBody(required = false) ActionRequest body) {
    InstanceAction known = InstanceAction.of(action);
    if (known == null) {
      throw ApiProblem.notFound(
          "Unknown action '"
              + action
              + "'; instances know start, stop, restart, suspend, deploy and rollback (and DELETE"
              + " to delete)");
    }
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/instances/" + id))
        .body(instances.act(caller, id, known, body == null ? null : body.callbackUrl()));
  }

  @DeleteMapping("/api/v1/instances/{id}")
  ResponseEntity<InstanceService.Accepted> delete(
      Caller caller, @PathVariable String id, @RequestBody(required = false) ActionRequest body) {
    return ResponseEntity.accepted()
        .body(instances.delete(caller, id, body == null ? null : body.callbackUrl()));
  }

  @GetMapping(path = "/api/v1/instances/{id}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
  String logs(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "lines", defaultValue = "200") int lines) {
    return instances.logs(caller, id, lines);
  }
}
