package io.flowgate.engine.promotion;

import io.flowgate.engine.approval.DecisionRequest;
import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class PromotionController {

  /** {@code POST /pipelines/{id}/stages/{stageId}/promote}; every field is optional. */
  record PromoteRequest(
      String snapshotId,
      @Size(max = 2000, message = "at most 2000 characters") String comment,
      @Size(max = 2000, message = "at most 2000 characters") String callbackUrl) {}

  /** {@code POST /instances/{id}/actions/emergency-rollback}. */
  record EmergencyRollbackRequest(
      @Size(max = 2000, message = "at most 2000 characters") String reason) {}

  private final PromotionService promotions;

  PromotionController(PromotionService promotions) {
    this.promotions = promotions;
  }

  /**
   * Back to the last approved snapshot of an instance in a protected stage, with one approver other
   * than the requester: a promotion of its own kind.
   */
  @PostMapping("/api/v1/instances/{id}/actions/emergency-rollback")
  ResponseEntity<PromotionService.Accepted> emergencyRollback(
      Caller caller,
      @PathVariable String id,
      @Valid @RequestBody(required = false) EmergencyRollbackRequest body) {
    PromotionService.Accepted accepted =
        promotions.emergencyRollback(caller, id, body == null ? null : body.reason());
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/promotions/" + accepted.promotionId()))
        .body(accepted);
  }

  @PostMapping("/api/v1/pipelines/{id}/stages/{stageId}/promote")
  ResponseEntity<PromotionService.Accepted> promote(
      Caller caller,
      @PathVariable String id,
      @PathVariable String stageId,
      @Valid @RequestBody(required = false) PromoteRequest body) {
    PromoteRequest request = body == null ? new PromoteRequest(null, null, null) : body;
    PromotionService.Accepted accepted =
        promotions.request(
            caller, id, stageId, request.snapshotId(), request.comment(), request.callbackUrl());
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/promotions/" + accepted.promotionId()))
        .body(accepted);
  }

  @GetMapping("/api/v1/promotions/{id}")
  PromotionView get(Caller caller, @PathVariable String id) {
    return promotions.get(caller, id);
  }

  @GetMapping("/api/v1/pipelines/{id}/promotions")
  List<PromotionView> list(Caller caller, @PathVariable String id) {
    return promotions.ofPipeline(caller, id);
  }

  @PostMapping("/api/v1/promotions/{id}/approvals")
  PromotionView decide(
      Caller caller, @PathVariable String id, @Valid @RequestBody DecisionRequest body) {
    return promotions.decide(caller, id, body.decision(), body.comment());
  }
}
