package io.flowgate.engine.rollout;

import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class RolloutController {

  private final RolloutService rollouts;

  RolloutController(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  @PostMapping("/api/v1/device-groups/{id}/rollouts")
  ResponseEntity<RolloutService.Accepted> start(
      Caller caller, @PathVariable String id, @Valid @RequestBody RolloutRequest body) {
    RolloutService.Accepted accepted = rollouts.start(caller, id, body);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/rollouts/" + accepted.id()))
        .body(accepted);
  }

  @GetMapping("/api/v1/rollouts/{id}")
  RolloutView get(Caller caller, @PathVariable String id) {
    return rollouts.get(caller, id);
  }

  @PostMapping("/api/v1/rollouts/{id}/actions/{action}")
  ResponseEntity<RolloutView> act(
      Caller caller, @PathVariable String id, @PathVariable String action) {
    return ResponseEntity.accepted().body(rollouts.act(caller, id, action));
  }
}
