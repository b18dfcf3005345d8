package io.flowgate.engine.pipeline;

import io.flowgate.engine.approval.DecisionRefused;
import io.flowgate.engine.approval.FourEyes;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
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
 * Where decisions on pipeline changes are checked against the four-eyes rules and recorded in
 * Flowgate's table. Called by the engine-side listener on every completion of an approval task,
 * whatever route it came by; a refusal is audited in a transaction of its own and thrown.
 */
@Component
public class PipelineChangeDesk {

  /** A decision as it arrives with a completed approval task. */
  public record Ballot(
      String changeId,
      String processInstanceId,
      String taskId,
      String user,
      String decision,
      String comment) {}

  private final PipelineChangeRepository changes;
  private final FourEyes fourEyes;
  private final AuditLog audit;
  private final TransactionTemplate separately;
  private final Clock clock;

  PipelineChangeDesk(
      PipelineChangeRepository changes,
      FourEyes fourEyes,
      AuditLog audit,
      PlatformTransactionManager transactions,
      Clock clock) {
    this.changes = changes;
    this.fourEyes = fourEyes;
    this.audit = audit;
    this.separately = new TransactionTemplate(transactions);
    this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
  }

  /**
   * Records the decision if the rules allow it.
   *
   * @return true when it is a rejection (the process ends the approvals)
   * @throws DecisionRefused when they do not; the refusal is audited
   */
  @Transactional
  public boolean decide(Ballot ballot) {
    PipelineChange change = changes.lock(ballot.changeId()).orElse(null);
    if (change == null || !ballot.processInstanceId().equals(change.processInstanceId())) {
      throw refused(change, ballot, "the task does not belong to the change's own process");
    }
    Optional<String> whyNot = whyNot(change, ballot.user(), ballot.decision(), ballot.comment());
    if (whyNot.isPresent()) {
      throw refused(change, ballot, whyNot.get());
    }
    String comment = ballot.comment() == null ? null : ballot.comment().strip();
    boolean approves = FourEyes.Vote.APPROVE.equals(ballot.decision());
    changes.insertDecision(
        change.id(),
        new PipelineChange.Decision(
            ballot.user(),
            ballot.decision(),
            comment == null || comment.isEmpty() ? null : comment,
            ballot.taskId(),
            Instant.now(clock).truncatedTo(ChronoUnit.MICROS)));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("changeId", change.id());
    details.put("taskId", ballot.taskId());
    if (comment != null && !comment.isEmpty()) {
      details.put("comment", comment);
    }
    audit.record(
        event(
            ballot.user(),
            approves ? "pipeline.change-approved" : "pipeline.change-rejected",
            change,
            details));
    return !approves;
  }

  /** Checks a decision before the engine is asked (Flowgate's REST API); a refusal is audited. */
  void check(PipelineChange change, String user, String decision, String comment) {
    whyNot(change, user, decision, comment)
        .ifPresent(
            reason -> {
              throw refused(
                  change, new Ballot(change.id(), null, null, user, decision, comment), reason);
            });
  }

  /** Audits a refused attempt that never reached the rules (a token, someone outside the team). */
  void auditRefusal(PipelineChange change, String user, String reason) {
    refused(change, new Ballot(change.id(), null, null, user, null, null), reason + " (REST)");
  }

  /** Why the decisions on record do not allow the change, or empty when they do. */
  Optional<String> whyNotApply(PipelineChange change) {
    return fourEyes.whyNotEnough(
        subject(change),
        changes.decisions(change.id()).stream()
            .map(d -> new FourEyes.Vote(d.approver(), d.decision()))
            .toList(),
        vote -> true);
  }

  /** Who made a person an approver of the change's group, and since when. */
  Optional<FourEyes.ApproverGrant> grantOf(PipelineChange change, String user) {
    return fourEyes.grantOf(user, change.approverGroup(), change.organizationId());
  }

  private Optional<String> whyNot(
      PipelineChange change, String user, String decision, String comment) {
    List<String> decidedBy =
        changes.decisions(change.id()).stream().map(PipelineChange.Decision::approver).toList();
    return fourEyes.whyNot(subject(change), decidedBy, user, decision, comment, Optional::empty);
  }

  private static FourEyes.Subject subject(PipelineChange change) {
    return new FourEyes.Subject(
        "pipeline change",
        change.state(),
        change.expiresAt(),
        change.requestedBy(),
        change.requestedAt(),
        change.approverGroup(),
        change.organizationId(),
        change.approvalsRequired());
  }

  private DecisionRefused refused(PipelineChange change, Ballot ballot, String reason) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("changeId", ballot.changeId());
    details.put("reason", reason);
    if (ballot.taskId() != null) {
      details.put("taskId", ballot.taskId());
    }
    if (ballot.decision() != null) {
      details.put("decision", ballot.decision());
    }
    String actor = ballot.user() == null ? "unknown" : ballot.user();
    AuditEvent refusal =
        change == null
            ? new AuditEvent(
                actor,
                "pipeline.change-approval-refused",
                "pipeline-change",
                ballot.changeId(),
                null,
                null,
                details)
            : event(actor, "pipeline.change-approval-refused", change, details);
    separately.executeWithoutResult(status -> audit.record(refusal));
    return new DecisionRefused("Approval refused: " + reason);
  }

  /** An audit entry about a change, filed under its pipeline. */
  static AuditEvent event(
      String actor, String action, PipelineChange change, Map<String, Object> details) {
    return new AuditEvent(
        actor,
        action,
        "pipeline",
        change.pipelineId(),
        change.organizationId(),
        change.teamId(),
        details);
  }
}
