package io.flowgate.engine.promotion;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The four-eyes rules, checked against Flowgate's own records only: who may decide on a promotion
 * now, and whether the approvals on record allow its deploy. Nothing here reads process variables.
 */
@Component
class FourEyesRules {

  private static final Pattern APPROVERS_GROUP = Pattern.compile("team-([0-9a-z]{16})-approvers");

  private final JdbcClient jdbc;
  private final Clock clock;

  FourEyesRules(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
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
    if (user == null || user.isBlank()) {
      return Optional.of("nobody is signed in: an approval needs a person");
    }
    if (promotion.state() != PromotionState.AWAITING_APPROVAL) {
      return Optional.of(
          "the promotion is " + promotion.state().value() + ", not awaiting approval");
    }
    if (promotion.expiresAt() != null && !Instant.now(clock).isBefore(promotion.expiresAt())) {
      return Optional.of("the approval expired at " + promotion.expiresAt());
    }
    if (user.equals(promotion.requestedBy())) {
      return Optional.of("the requester of a promotion cannot approve it");
    }
    if (!isApprover(user, promotion)) {
      return Optional.of(
          user
              + " is not an approver of group "
              + promotion.approverGroup()
              + " in the organization, or became one after the promotion was requested");
    }
    if (decided.stream().anyMatch(approval -> approval.approver().equals(user))) {
      return Optional.of(user + " has decided on this promotion already; a second person must");
    }
    if (promotion.snapshotHash() == null
        || !promotion.snapshotHash().equals(currentSnapshotHash)
        || (shownHash != null && !promotion.snapshotHash().equals(shownHash))) {
      return Optional.of("the snapshot changed since the promotion was requested: nothing to sign");
    }
    if (!Approval.APPROVE.equals(decision) && !Approval.REJECT.equals(decision)) {
      return Optional.of("the decision must be approve or reject");
    }
    if (Approval.REJECT.equals(decision) && (comment == null || comment.isBlank())) {
      return Optional.of("a rejection needs a comment that says why");
    }
    return Optional.empty();
  }

  /**
   * Why the approvals on record do not allow the deploy, or empty when they do: enough approvals
   * from different approvers (not the requester) for the snapshot hash to deploy, and no rejection.
   */
  Optional<String> whyNotDeploy(Promotion promotion, List<Approval> decided) {
    if (promotion.approvalsRequired() == null || promotion.snapshotHash() == null) {
      return Optional.of("no approval policy or snapshot on record");
    }
    Set<String> approvers = new HashSet<>();
    for (Approval approval : decided) {
      if (!approval.approves()) {
        return Optional.of(approval.approver() + " rejected it");
      }
      if (approval.approver().equals(promotion.requestedBy())
          || !approval.snapshotHash().equals(promotion.snapshotHash())
          || !isApprover(approval.approver(), promotion)) {
        continue; // never counts, whatever wrote it
      }
      approvers.add(approval.approver());
    }
    if (approvers.size() < promotion.approvalsRequired()) {
      return Optional.of(
          approvers.size()
              + " valid approval(s) on record, "
              + promotion.approvalsRequired()
              + " required");
    }
    return Optional.empty();
  }

  /**
   * A member of the team whose approvers group the promotion asks, marked approver, in the
   * organization, since before the promotion was requested: a right granted later (an approver made
   * for the occasion) does not count for it.
   */
  boolean isApprover(String user, Promotion promotion) {
    return grantOf(user, promotion.approverGroup(), promotion.organizationId())
        .filter(grant -> !grant.since().isAfter(promotion.requestedAt()))
        .isPresent();
  }

  /** Who made a person an approver of the group, and since when; empty when they are not one. */
  Optional<ApproverGrant> grantOf(String user, String group, String organizationId) {
    if (group == null) {
      return Optional.empty();
    }
    Matcher team = APPROVERS_GROUP.matcher(group);
    if (!team.matches()) {
      return Optional.empty();
    }
    return jdbc.sql(
            "select m.approver_since, m.approver_granted_by, m.approver_confirmed_by"
                + " from flowgate.team_member m join flowgate.team t on t.id = m.team_id"
                + " where m.team_id = ? and m.username = ? and m.approver"
                + " and t.organization_id = ?")
        .params(team.group(1), user, organizationId)
        .query(
            (rs, row) ->
                new ApproverGrant(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3)))
        .optional();
  }

  /** An approver right as granted: since when, by whom, confirmed by whom (or null). */
  record ApproverGrant(Instant since, String grantedBy, String confirmedBy) {}
}
