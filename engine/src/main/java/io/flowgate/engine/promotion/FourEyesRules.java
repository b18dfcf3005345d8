package io.flowgate.engine.promotion;

import io.flowgate.engine.approval.FourEyes;
import io.flowgate.engine.approval.FourEyes.ApproverGrant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The four-eyes rules for promotions: the shared ones ({@link FourEyes}) plus the promotion's own,
 * that a decision and every approval that counts are for the snapshot hash the promotion carries.
 */
@Component
class FourEyesRules {

  private final FourEyes fourEyes;

  FourEyesRules(FourEyes fourEyes) {
    this.fourEyes = fourEyes;
  }

  /**
   * Why this person may not decide on the promotion now, or empty when they may.
   *
   * @param shownHash the snapshot hash the decision was made on (the task's view of it)
   */
  Optional<String> whyNot(
      Promotion promotion,
      String currentSnapshotHash,
      List<Approval> decided,
      String user,
      String decision,
      String comment,
      String shownHash) {
    return fourEyes.whyNot(
        subject(promotion),
        decided.stream().map(Approval::approver).toList(),
        user,
        decision,
        comment,
        () ->
            promotion.snapshotHash() == null
                    || !promotion.snapshotHash().equals(currentSnapshotHash)
                    || (shownHash != null && !promotion.snapshotHash().equals(shownHash))
                ? Optional.of(
                    "the snapshot changed since the promotion was requested: nothing to sign")
                : Optional.empty());
  }

  /**
   * Why the approvals on record do not allow the deploy, or empty when they do: enough approvals
   * from different approvers (not the requester) for the snapshot hash to deploy, and no rejection.
   */
  Optional<String> whyNotDeploy(Promotion promotion, List<Approval> decided) {
    if (promotion.approvalsRequired() == null || promotion.snapshotHash() == null) {
      return Optional.of("no approval policy or snapshot on record");
    }
    List<String> hashOk =
        decided.stream()
            .filter(approval -> promotion.snapshotHash().equals(approval.snapshotHash()))
            .map(Approval::approver)
            .toList();
    return fourEyes.whyNotEnough(
        subject(promotion),
        decided.stream()
            .map(approval -> new FourEyes.Vote(approval.approver(), approval.decision()))
            .toList(),
        vote -> hashOk.contains(vote.approver()));
  }

  /** An approver of the promotion's group since before it was requested. */
  boolean isApprover(String user, Promotion promotion) {
    return fourEyes.isApprover(user, subject(promotion));
  }

  /** Who made a person an approver of the group, and since when; empty when they are not one. */
  Optional<ApproverGrant> grantOf(String user, String group, String organizationId) {
    return fourEyes.grantOf(user, group, organizationId);
  }

  private static FourEyes.Subject subject(Promotion promotion) {
    return new FourEyes.Subject(
        "promotion",
        promotion.state().value(),
        promotion.expiresAt(),
        promotion.requestedBy(),
        promotion.requestedAt(),
        promotion.approverGroup(),
        promotion.organizationId(),
        promotion.approvalsRequired());
  }
}
