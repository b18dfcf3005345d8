package io.flowgate.engine.pipeline;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The work behind the service tasks of pipeline-change, free of the engine. Each step works only
 * for the change's own process (a process started by hand with a real change id does nothing) and
 * is safe to repeat. The apply step re-checks the approvals in Flowgate's table, never variables.
 */
@Component
public class PipelineChangeSteps {

  /** Why a change cannot be applied: the process ends it as failed with this reason. */
  public static class NotApplicable extends RuntimeException {
    NotApplicable(String reason) {
      super(reason, null, false, false);
    }
  }

  private final PipelineChangeRepository changes;
  private final PipelineChangeDesk desk;
  private final PipelineService pipelines;
  private final io.flowgate.engine.audit.AuditLog audit;
  private final Clock clock;

  PipelineChangeSteps(
      PipelineChangeRepository changes,
      PipelineChangeDesk desk,
      PipelineService pipelines,
      io.flowgate.engine.audit.AuditLog audit,
      Clock clock) {
    this.changes = changes;
    this.desk = desk;
    this.pipelines = pipelines;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Applies the approved change to the pipeline it was approved for.
   *
   * @throws NotApplicable when the approvals on record do not allow it, or the pipeline changed
   */
  // a refusal is a business outcome: it must not mark the engine's transaction rollback-only
  @Transactional(noRollbackFor = NotApplicable.class)
  public void apply(String changeId, String processInstanceId) {
    PipelineChange change = own(changeId, processInstanceId);
    if (!PipelineChange.AWAITING_APPROVAL.equals(change.state())) {
      return; // applied or ended by an earlier attempt
    }
    Optional<String> missing = desk.whyNotApply(change);
    if (missing.isPresent()) {
      throw new NotApplicable("approvals missing on record: " + missing.get());
    }
    Optional<String> stale = pipelines.applyChange(change);
    if (stale.isPresent()) {
      throw new NotApplicable(stale.get());
    }
    changes.end(change.id(), PipelineChange.APPLIED, null, now());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("changeId", change.id());
    details.put("kind", change.kind());
    details.put("weakenings", change.weakenings());
    details.put(
        "approvedBy",
        changes.decisions(change.id()).stream().map(PipelineChange.Decision::approver).toList());
    audit.record(PipelineChangeDesk.event("system", "pipeline.change-applied", change, details));
  }

  /** Ends the change (rejected, expired or failed) with the reason; a repeat does nothing. */
  @Transactional
  public void markEnded(String changeId, String processInstanceId, String state, String reason) {
    PipelineChange change = own(changeId, processInstanceId);
    if (changes.end(change.id(), state, reason, now())) {
      audit.record(
          PipelineChangeDesk.event(
              "system",
              "pipeline.change-" + state,
              change,
              Map.of("changeId", change.id(), "reason", reason)));
    }
  }

  /** The reason of a rejection, in the rejecter's words. */
  @Transactional(readOnly = true)
  public String rejection(String changeId) {
    List<PipelineChange.Decision> decisions = changes.decisions(changeId);
    return decisions.stream()
        .filter(d -> !"approve".equals(d.decision()))
        .findFirst()
        .map(d -> "rejected by " + d.approver() + ": " + d.comment())
        .orElse("rejected");
  }

  private PipelineChange own(String changeId, String processInstanceId) {
    PipelineChange change =
        changes
            .lock(changeId)
            .orElseThrow(() -> new IllegalStateException("no pipeline change " + changeId));
    if (processInstanceId == null || !processInstanceId.equals(change.processInstanceId())) {
      throw new IllegalStateException(
          "process " + processInstanceId + " is not the process of pipeline change " + changeId);
    }
    return change;
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
