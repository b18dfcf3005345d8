package io.flowgate.engine.promotion;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.rollout.RolloutService;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotDeployer;
import io.flowgate.engine.snapshot.SnapshotKind;
import io.flowgate.engine.snapshot.SnapshotService;
import io.flowgate.engine.snapshot.diff.SnapshotDiff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The work behind the service tasks of snapshot-promotion, free of the engine. Each step first
 * checks that it works for the promotion's own process (a process started by hand with a real
 * promotion id does nothing), and is safe to repeat. Deploy steps re-check the approvals on record,
 * never process variables.
 */
@Component
public class PromotionSteps {

  /** The snapshot a promotion carries, as the approval form shows it. */
  public record Resolved(
      String snapshotId,
      String snapshotHash,
      String snapshotName,
      int changeCount,
      String diffSummary) {}

  /** What the approval policy is asked with: Flowgate's record, never process variables. */
  public record PolicyInputs(
      boolean targetProtected, boolean targetFinal, int changeCount, boolean emergencyRollback) {}

  /** What the approval-policy table answered. */
  public record PolicyDecision(
      int approvalsRequired, String approverGroup, String approvalExpiry) {}

  /** The policy as recorded: the approver group's id and how long approvals may take. */
  public record Policy(int approvalsRequired, String approverGroupId, String approvalExpiry) {}

  private final PromotionRepository promotions;
  private final PromotionStages stages;
  private final FourEyesRules rules;
  private final ApprovalDesk desk;
  private final SnapshotService snapshots;
  private final RolloutService rollouts;
  private final SnapshotDeployer deployer;
  private final LiveInstances live;
  private final InstanceSteps instances;
  private final AuditLog audit;
  private final Clock clock;
  private final StageProtection protection;
  private final TransactionTemplate ownTransaction;

  PromotionSteps(
      PromotionRepository promotions,
      PromotionStages stages,
      FourEyesRules rules,
      ApprovalDesk desk,
      SnapshotService snapshots,
      RolloutService rollouts,
      SnapshotDeployer deployer,
      LiveInstances live,
      InstanceSteps instances,
      AuditLog audit,
      Clock clock,
      PlatformTransactionManager transactions,
      StageProtection protection) {
    this.protection = protection;
    this.promotions = promotions;
    this.stages = stages;
    this.rules = rules;
    this.desk = desk;
    this.snapshots = snapshots;
    this.rollouts = rollouts;
    this.deployer = deployer;
    this.live = live;
    this.instances = instances;
    this.audit = audit;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** Finds or takes the snapshot to promote and what it would change on the first target. */
  @Transactional(noRollbackFor = PromotionFailed.class)
  public Resolved resolve(String promotionId, String processInstanceId) {
    Promotion promotion = own(promotionId, processInstanceId);
    Snapshot snapshot;
    if (promotion.snapshotId() != null) {
      snapshot = snapshots.find(promotion.snapshotId()).orElseThrow();
    } else {
      snapshot = choose(promotion, processInstanceId);
    }
    List<PromotionTarget> targets = promotions.targets(promotionId);
    // compared with the first instance target; a stage of device groups only: with nothing
    SnapshotDiff change =
        snapshots.changeOn(targets.isEmpty() ? null : targets.get(0).instanceId(), snapshot.id());
    promotions.resolved(
        promotionId, snapshot.id(), snapshot.hash(), change.changeCount(), change.summary());
    audit.record(
        PromotionService.event(
            "system",
            "promotion.snapshot-resolved",
            promotion,
            Map.of(
                "snapshotId", snapshot.id(),
                "snapshotHash", snapshot.hash(),
                "changeCount", change.changeCount())));
    return new Resolved(
        snapshot.id(), snapshot.hash(), snapshot.name(), change.changeCount(), change.summary());
  }

  private Snapshot choose(Promotion promotion, String processInstanceId) {
    if (promotion.emergencyRollback()) {
      return snapshots
          .find(promotion.requestedSnapshotId())
          .orElseThrow(() -> notPromotable("the last approved snapshot no longer exists"));
    }
    PromotionStages.Source source = stages.source(promotion);
    return switch (source.action()) {
      case PROMPT ->
          snapshots
              .find(promotion.requestedSnapshotId())
              .orElseThrow(
                  () -> notPromotable("the snapshot named in the request no longer exists"));
      case USE_LATEST ->
          snapshots
              .latestOf(source.instanceId())
              .orElseThrow(
                  () ->
                      notPromotable(
                          "stage "
                              + promotion.sourceStageName()
                              + " has no snapshot of its instance yet: take one first"));
      case CREATE_SNAPSHOT -> {
        try {
          yield snapshots.take(
              source.instanceId(),
              "Promotion to " + promotion.targetStageName(),
              "Taken for promotion " + promotion.id() + " (process " + processInstanceId + ")",
              SnapshotKind.MANUAL,
              promotion.requestedBy());
        } catch (InstanceStepFailed e) {
          throw notPromotable(e.getMessage());
        }
      }
    };
  }

  /**
   * What the approval form shows, from Flowgate's record: set again after each decision, so that
   * variables a completion carried cannot change what the next approver reads.
   */
  public Map<String, Object> approvalForm(String promotionId) {
    Promotion promotion =
        promotions
            .find(promotionId)
            .orElseThrow(() -> notPromotable("promotion " + promotionId + " does not exist"));
    Map<String, Object> form =
        PromotionService.formVariables(
            promotion,
            promotions.targets(promotionId).stream().map(PromotionTarget::instanceName).toList());
    form.put("promotionId", promotion.id());
    if (promotion.snapshotId() != null) {
      form.put("snapshotId", promotion.snapshotId());
      form.put("snapshotHash", promotion.snapshotHash());
      form.put("diffSummary", promotion.diffSummary());
      form.put("diffUrl", "/console/#/promotions/" + promotion.id() + "/diff");
      snapshots
          .find(promotion.snapshotId())
          .ifPresent(snapshot -> form.put("snapshotName", snapshot.name()));
    }
    return form;
  }

  /**
   * Decides the approval policy once, from Flowgate's own record of the promotion (its target's
   * protection, whether the target is the last stage, and the change count stored when the snapshot
   * was resolved), never from process variables. A second decision for the same promotion is
   * refused and audited: the step fails and the record keeps the first decision. "stage" means the
   * target stage's approver group.
   *
   * @param policy the approval-policy table, asked with the recorded inputs
   */
  @Transactional
  public Policy decidePolicy(
      String promotionId, String processInstanceId, Function<PolicyInputs, PolicyDecision> policy) {
    Promotion promotion =
        promotions
            .lock(promotionId)
            .orElseThrow(() -> notPromotable("promotion " + promotionId + " does not exist"));
    own(promotionId, processInstanceId);
    if (promotion.approvalsRequired() != null) {
      throw refuseRedecision(promotion, processInstanceId);
    }
    if (promotion.changeCount() == null) {
      throw new IllegalStateException(
          "Promotion " + promotionId + " has no resolved snapshot: nothing to decide on yet");
    }
    PolicyDecision decision =
        policy.apply(
            new PolicyInputs(
                promotion.targetProtected(),
                promotion.targetFinal(),
                promotion.changeCount(),
                promotion.emergencyRollback()));
    int approvals = decision.approvalsRequired();
    if (approvals < 0 || approvals > 2) {
      throw new IllegalStateException("The approval policy asked for " + approvals + " approvals");
    }
    String group = decision.approverGroup();
    String approverGroup =
        group == null || group.isBlank() || "stage".equals(group)
            ? promotion.stageApproverGroup()
            : group;
    Duration valid;
    try {
      valid = Duration.parse(decision.approvalExpiry());
    } catch (DateTimeParseException | NullPointerException e) {
      valid = Duration.ofDays(3);
    }
    Instant expiresAt = now().plus(valid);
    if (!promotions.policyOnce(promotionId, approvals, approverGroup, expiresAt)) {
      throw refuseRedecision(promotion, processInstanceId);
    }
    promotions.setState(
        promotionId,
        approvals == 0 ? PromotionState.DEPLOYING : PromotionState.AWAITING_APPROVAL,
        null,
        now());
    audit.record(
        PromotionService.event(
            "system",
            "promotion.policy-decided",
            promotion,
            Map.of(
                "approvalsRequired", approvals,
                "approverGroup", approverGroup,
                "expiresAt", expiresAt.toString(),
                "processInstanceId", processInstanceId)));
    return new Policy(approvals, approverGroup, valid.toString());
  }

  /** The first decision stays; the attempt is audited whatever happens to the step. */
  private IllegalStateException refuseRedecision(Promotion promotion, String processInstanceId) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("approvalsRequired", promotion.approvalsRequired());
    details.put("processInstanceId", processInstanceId);
    details.put("reason", "the approval policy of a promotion is decided once");
    auditInOwnTransaction(promotion, "promotion.policy-redecide-refused", details);
    return new IllegalStateException(
        "The approval policy of promotion "
            + promotion.id()
            + " was decided already ("
            + promotion.approvalsRequired()
            + " approvals): it is decided once");
  }

  /**
   * Records that a step ran in a process that is not Flowgate's own model of the promotion and did
   * nothing.
   */
  public void refuseForeignProcess(
      String promotionId, String processInstanceId, String step, String reason) {
    Promotion promotion = promotions.find(promotionId).orElse(null);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("processInstanceId", processInstanceId);
    details.put("step", step);
    details.put("reason", reason);
    if (promotion != null) {
      auditInOwnTransaction(promotion, "promotion.foreign-process-refused", details);
    } else {
      auditAfterThisTransaction(
          new AuditEvent(
              "system",
              "promotion.foreign-process-refused",
              "promotion",
              Ids.isWellFormed(promotionId) ? promotionId : null,
              null,
              null,
              details));
    }
  }

  private void auditInOwnTransaction(
      Promotion promotion, String action, Map<String, Object> details) {
    auditAfterThisTransaction(PromotionService.event("system", action, promotion, details));
  }

  /**
   * Records the event in a transaction of its own once the caller's transaction has ended (it rolls
   * back with the refused step): the caller's transaction may hold the audit log's append lock
   * already, and waiting for it inside that transaction would never end.
   */
  private void auditAfterThisTransaction(AuditEvent event) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      ownTransaction.executeWithoutResult(status -> audit.record(event));
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            ownTransaction.executeWithoutResult(own -> audit.record(event));
          }
        });
  }

  /** The approvals on record allow the deploy; otherwise the bypass is audited and refused. */
  @Transactional(noRollbackFor = PromotionFailed.class)
  public void checkApprovals(String promotionId, String processInstanceId) {
    Promotion promotion = own(promotionId, processInstanceId);
    requireApproved(promotion, "before the deploy");
    if (promotion.state() == PromotionState.AWAITING_APPROVAL) {
      promotions.setState(promotionId, PromotionState.DEPLOYING, null, now());
    }
  }

  /** Claims every target and takes its backup (an automatic snapshot). */
  public void backUpTargets(String promotionId, String processInstanceId) {
    Promotion promotion = ownApproved(promotionId, processInstanceId);
    for (PromotionTarget target : promotions.targets(promotionId)) {
      if (!live.claim(target.instanceId(), "promotion", processInstanceId)) {
        // another operation (a restart, a rollback) works on it: wait for it by retrying
        throw new IllegalStateException(
            "Instance " + target.instanceName() + " is busy with another operation");
      }
      if (target.backupSnapshotId() != null) {
        continue;
      }
      try {
        Snapshot backup =
            snapshots.take(
                target.instanceId(),
                "Before promotion to " + promotion.targetStageName(),
                "Taken automatically before promotion " + promotion.id(),
                SnapshotKind.AUTO,
                "system");
        promotions.targetBackedUp(promotionId, target.instanceId(), backup.id());
      } catch (InstanceStepFailed e) {
        throw targetFailed(target, e);
      }
    }
  }

  public void deployTargets(String promotionId, String processInstanceId) {
    Promotion promotion = ownApproved(promotionId, processInstanceId);
    Snapshot snapshot = snapshots.find(promotion.snapshotId()).orElseThrow();
    if (!snapshot.hash().equals(promotion.snapshotHash())) {
      throw approvalsMissing(promotion, "the snapshot's hash is not the one approved");
    }
    for (PromotionTarget target : promotions.targets(promotionId)) {
      if (PromotionTarget.DEPLOYED.equals(target.state())
          || PromotionTarget.VERIFIED.equals(target.state())) {
        continue;
      }
      requireProtectionHonoured(promotion, target);
      try {
        deployer.deploy(snapshot.id(), target.instanceId());
      } catch (InstanceStepFailed e) {
        throw targetFailed(target, e);
      }
      promotions.targetState(promotionId, target.instanceId(), PromotionTarget.DEPLOYED, null);
    }
  }

  /**
   * A target that a protected stage holds now takes only a promotion into that very stage, with its
   * full approvals (two, or one for an emergency rollback): a promotion into another pipeline's
   * stage, or one whose policy was decided before its stage was protected, deploys nothing to it.
   */
  private void requireProtectionHonoured(Promotion promotion, PromotionTarget target) {
    Optional<StageProtection.ProtectingStage> protecting =
        protection.ofInstance(target.instanceId());
    if (protecting.isEmpty()) {
      return;
    }
    StageProtection.ProtectingStage stage = protecting.get();
    int needed = promotion.emergencyRollback() ? 1 : 2;
    if (!stage.stageId().equals(promotion.targetStageId())
        || promotion.approvalsRequired() == null
        || promotion.approvalsRequired() < needed) {
      // audited as a refused bypass; failing the target undoes the promotion's other targets
      PromotionFailed refused =
          approvalsMissing(
              promotion,
              target.instanceName()
                  + " is in the protected stage '"
                  + stage.stageName()
                  + "' of pipeline '"
                  + stage.pipelineName()
                  + "': only a promotion into that stage with its approvals deploys to it");
      throw new PromotionFailed(PromotionFailed.Kind.TARGET_FAILED, refused.getMessage());
    }
  }

  public void verifyTargets(String promotionId, String processInstanceId) {
    Promotion promotion = own(promotionId, processInstanceId);
    for (PromotionTarget target : promotions.targets(promotionId)) {
      try {
        deployer.verify(promotion.snapshotId(), target.instanceId());
      } catch (InstanceStepFailed e) {
        throw targetFailed(target, e);
      }
      promotions.targetState(promotionId, target.instanceId(), PromotionTarget.VERIFIED, null);
    }
  }

  /**
   * Prepares one rollout per device group of the target stage (the process calls device-rollout for
   * each); repeating it returns the same rollouts.
   *
   * @return the rollouts' ids, in the order of the groups
   */
  public List<String> startRollouts(String promotionId, String processInstanceId) {
    Promotion promotion = ownApproved(promotionId, processInstanceId);
    List<String> ids = new ArrayList<>();
    // an emergency rollback is for its one instance: the stage's device groups keep what they run
    List<String> groups =
        promotion.emergencyRollback() ? List.of() : stages.targetDeviceGroups(promotion);
    for (String group : groups) {
      ids.add(
          rollouts.prepareForPromotion(
              promotionId, group, promotion.snapshotId(), promotion.requestedBy()));
    }
    return ids;
  }

  /** Every device group got the snapshot; a rollout that did not complete fails the promotion. */
  public void checkRollouts(String promotionId, String processInstanceId) {
    own(promotionId, processInstanceId);
    for (Map.Entry<String, String> rollout : rollouts.statesOfPromotion(promotionId).entrySet()) {
      if (!"completed".equals(rollout.getValue())) {
        throw new PromotionFailed(
            PromotionFailed.Kind.TARGET_FAILED,
            "device group " + rollout.getKey() + ": its rollout ended " + rollout.getValue());
      }
    }
  }

  /**
   * Puts every target that has a backup back onto it, whether or not the deploy reached it (a
   * deploy may have failed halfway). A failure here is left to retries and an incident.
   */
  public void restoreTargets(String promotionId, String processInstanceId) {
    own(promotionId, processInstanceId);
    for (PromotionTarget target : promotions.targets(promotionId)) {
      if (target.backupSnapshotId() == null || PromotionTarget.RESTORED.equals(target.state())) {
        continue;
      }
      try {
        deployer.deploy(target.backupSnapshotId(), target.instanceId());
        deployer.verify(target.backupSnapshotId(), target.instanceId());
      } catch (InstanceStepFailed e) {
        throw new IllegalStateException(
            "Restoring " + target.instanceName() + " to its backup failed: " + e.getMessage(), e);
      }
      promotions.targetState(promotionId, target.instanceId(), PromotionTarget.RESTORED, null);
    }
  }

  @Transactional(noRollbackFor = PromotionFailed.class)
  public void markCompleted(String promotionId, String processInstanceId) {
    Promotion promotion = ownApproved(promotionId, processInstanceId);
    List<PromotionTarget> targets = promotions.targets(promotionId);
    Optional<PromotionTarget> unverified =
        targets.stream()
            .filter(target -> !PromotionTarget.VERIFIED.equals(target.state()))
            .findFirst();
    if (unverified.isPresent()) {
      // only a process moved past the deploy gets here: refuse, loudly
      desk.auditBypass(promotion, unverified.get().instanceName() + " was never deployed");
      throw new IllegalStateException(
          "Target " + unverified.get().instanceName() + " was never deployed and verified");
    }
    for (PromotionTarget target : targets) {
      live.setSnapshot(target.instanceId(), promotion.snapshotId());
      instances.markRunning(target.instanceId(), processInstanceId);
    }
    finish(promotion, PromotionState.COMPLETED, null);
  }

  @Transactional
  public void markRolledBack(String promotionId, String processInstanceId, String reason) {
    Promotion promotion = own(promotionId, processInstanceId);
    for (PromotionTarget target : promotions.targets(promotionId)) {
      if (PromotionTarget.RESTORED.equals(target.state())) {
        live.setSnapshot(target.instanceId(), target.backupSnapshotId());
        instances.markRestored(
            target.instanceId(),
            "Promotion " + promotionId + " was rolled back: " + reason,
            processInstanceId);
      } else {
        // never changed (its backup could not even be taken): it keeps its state
        live.release(target.instanceId(), processInstanceId);
      }
    }
    finish(promotion, PromotionState.ROLLED_BACK, reason);
  }

  @Transactional
  public void markEnded(
      String promotionId, String processInstanceId, PromotionState state, String reason) {
    Promotion promotion = own(promotionId, processInstanceId);
    for (PromotionTarget target : promotions.targets(promotionId)) {
      live.release(target.instanceId(), processInstanceId);
    }
    finish(promotion, state, reason);
  }

  /** The rejection's comment, for the record of a rejected promotion. */
  public String rejection(String promotionId) {
    return promotions.approvals(promotionId).stream()
        .filter(approval -> !approval.approves())
        .findFirst()
        .map(approval -> approval.approver() + " rejected it: " + approval.comment())
        .orElse("rejected");
  }

  private void finish(Promotion promotion, PromotionState state, String reason) {
    promotions.setState(promotion.id(), state, reason, now());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("snapshotHash", String.valueOf(promotion.snapshotHash()));
    if (reason != null) {
      details.put("reason", reason);
    }
    audit.record(
        PromotionService.event("system", "promotion." + state.value(), promotion, details));
  }

  private Promotion own(String promotionId, String processInstanceId) {
    Promotion promotion =
        promotions
            .find(promotionId)
            .orElseThrow(() -> notPromotable("promotion " + promotionId + " does not exist"));
    if (!processInstanceId.equals(promotion.processInstanceId())) {
      throw notPromotable(
          "process " + processInstanceId + " is not the process of promotion " + promotionId);
    }
    return promotion;
  }

  private Promotion ownApproved(String promotionId, String processInstanceId) {
    Promotion promotion = own(promotionId, processInstanceId);
    requireApproved(promotion, "at a deploy step");
    return promotion;
  }

  private void requireApproved(Promotion promotion, String where) {
    Optional<String> whyNot = rules.whyNotDeploy(promotion, promotions.approvals(promotion.id()));
    if (whyNot.isPresent()) {
      throw approvalsMissing(promotion, whyNot.get() + " (" + where + ")");
    }
  }

  private PromotionFailed approvalsMissing(Promotion promotion, String reason) {
    audit.record(
        PromotionService.event(
            "system", "promotion.bypass-refused", promotion, Map.of("reason", reason)));
    return new PromotionFailed(
        PromotionFailed.Kind.APPROVALS_MISSING, "Nothing deployed: " + reason);
  }

  private static PromotionFailed notPromotable(String reason) {
    return new PromotionFailed(PromotionFailed.Kind.NOT_PROMOTABLE, reason);
  }

  private static PromotionFailed targetFailed(PromotionTarget target, InstanceStepFailed e) {
    return new PromotionFailed(
        PromotionFailed.Kind.TARGET_FAILED, target.instanceName() + ": " + e.getMessage(), e);
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
