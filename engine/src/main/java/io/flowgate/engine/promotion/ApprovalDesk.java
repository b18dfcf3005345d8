package io.flowgate.engine.promotion;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotService;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where decisions on approval tasks are checked and recorded. Called by the engine-side listener on
 * every completion of an approval task, whatever route it came by; a refusal is audited in a
 * transaction of its own (the completion itself is rolled back) and thrown.
 */
@Component
public class ApprovalDesk {

  private final PromotionRepository promotions;
  private final FourEyesRules rules;
  private final SnapshotService snapshots;
  private final AuditLog audit;
  private final TransactionTemplate ownTransaction;
  private final Clock clock;

  ApprovalDesk(
      PromotionRepository promotions,
      FourEyesRules rules,
      SnapshotService snapshots,
      AuditLog audit,
      PlatformTransactionManager transactions,
      Clock clock) {
    this.promotions = promotions;
    this.rules = rules;
    this.snapshots = snapshots;
    this.audit = audit;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
  }

  /** A decision as it arrives with a completed approval task. */
  public record Decision(
      String promotionId,
      String processInstanceId,
      String taskId,
      String user,
      String decision,
      String comment,
      String shownSnapshotHash) {}

  /**
   * Records the decision if the four-eyes rules allow it.
   *
   * @return true when it is a rejection (the process ends the approvals)
   * @throws ApprovalRefused when the rules do not allow it; the refusal is audited
   */
  @Transactional
  public boolean decide(Decision decision) {
    Promotion promotion = promotions.lock(decision.promotionId()).orElse(null);
    if (promotion == null || !decision.processInstanceId().equals(promotion.processInstanceId())) {
      throw refuse(promotion, decision, "the task does not belong to the promotion's own process");
    }
    List<Approval> decided = promotions.approvals(promotion.id());
    Optional<String> whyNot =
        rules.whyNot(
            promotion,
            hashOf(promotion.snapshotId()),
            decided,
            decision.user(),
            decision.decision(),
            decision.comment(),
            decision.shownSnapshotHash());
    if (whyNot.isPresent()) {
      throw refuse(promotion, decision, whyNot.get());
    }
    Approval approval =
        new Approval(
            decision.user(),
            decision.decision(),
            decision.comment() == null ? null : decision.comment().strip(),
            promotion.snapshotHash(),
            decision.taskId(),
            Instant.now(clock).truncatedTo(ChronoUnit.MICROS));
    promotions.insertApproval(promotion.id(), approval);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("snapshotHash", promotion.snapshotHash());
    details.put("taskId", decision.taskId());
    if (approval.comment() != null) {
      details.put("comment", approval.comment());
    }
    audit.record(
        PromotionService.event(
            decision.user(),
            approval.approves() ? "promotion.approved" : "promotion.rejected",
            promotion,
            details));
    return !approval.approves();
  }

  /**
   * Checks a decision without recording it, for callers that want to answer before they touch the
   * engine (Flowgate's REST API); a refusal is audited as on the engine route.
   */
  public void check(Promotion promotion, String user, String decision, String comment) {
    Optional<String> whyNot =
        rules.whyNot(
            promotion,
            hashOf(promotion.snapshotId()),
            promotions.approvals(promotion.id()),
            user,
            decision,
            comment,
            null);
    if (whyNot.isPresent()) {
      throw refuse(
          promotion,
          new Decision(promotion.id(), null, null, user, decision, comment, null),
          whyNot.get());
    }
  }

  /** Audits a refused attempt that never reached the listener (e.g. Camunda refused it first). */
  public void auditRefusal(String promotionId, String user, String route, String reason) {
    Promotion promotion = promotions.find(promotionId).orElse(null);
    refuse(
        promotion,
        new Decision(promotionId, null, null, user, null, null, null),
        reason + " (" + route + ")");
  }

  /**
   * Audits a bypass the engine refused (a process moved past the deploy gate) in a transaction of
   * its own: the refusing step rolls back, the record of the attempt stays.
   */
  public void auditBypass(Promotion promotion, String reason) {
    ownTransaction.executeWithoutResult(
        status ->
            audit.record(
                PromotionService.event(
                    "system", "promotion.bypass-refused", promotion, Map.of("reason", reason))));
  }

  /** The snapshot's hash as stored now, or null. */
  private String hashOf(String snapshotId) {
    return snapshotId == null ? null : snapshots.find(snapshotId).map(Snapshot::hash).orElse(null);
  }

  private ApprovalRefused refuse(Promotion promotion, Decision decision, String reason) {
    ownTransaction.executeWithoutResult(
        status -> {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("reason", reason);
          if (decision.taskId() != null) {
            details.put("taskId", decision.taskId());
          }
          if (decision.decision() != null) {
            details.put("decision", decision.decision());
          }
          String actor = decision.user() == null ? "unknown" : decision.user();
          audit.record(
              promotion == null
                  ? new AuditEvent(
                      actor,
                      "promotion.approval-refused",
                      "promotion",
                      decision.promotionId(),
                      null,
                      null,
                      details)
                  : PromotionService.event(
                      actor, "promotion.approval-refused", promotion, details));
        });
    return new ApprovalRefused("Approval refused: " + reason);
  }
}
