package io.flowgate.engine.approval;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The four-eyes rules every approval in Flowgate follows (promotions, pipeline changes), checked
 * against Flowgate's own records only: the requester never approves, each approver is a member of
 * the asked group since before the request, decides once, and a rejection says why. Nothing here
 * reads process variables.
 */
@Component
public class FourEyes {

  private static final Pattern APPROVERS_GROUP = Pattern.compile("team-([0-9a-z]{16})-approvers");

  private final JdbcClient jdbc;
  private final Clock clock;

  FourEyes(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * What is decided on, as its own record says.
   *
   * @param kind "promotion" or "pipeline change", for the messages
   * @param state its state now; decisions are taken only while it is awaiting approval
   */
  public record Subject(
      String kind,
      String state,
      Instant expiresAt,
      String requestedBy,
      Instant requestedAt,
      String approverGroup,
      String organizationId,
      Integer approvalsRequired) {

    public static final String AWAITING_APPROVAL = "awaiting-approval";
  }

  /** One decision on record. */
  public record Vote(String approver, String decision) {

    public static final String APPROVE = "approve";
    public static final String REJECT = "reject";

    public boolean approves() {
      return APPROVE.equals(decision);
    }
  }

  /**
   * Why this person may not decide now, or empty when they may.
   *
   * @param decidedBy who has decided already
   * @param subjectCheck what the subject itself requires besides (e.g. an unchanged snapshot),
   *     checked after the person and before the decision
   */
  public Optional<String> whyNot(
      Subject subject,
      List<String> decidedBy,
      String user,
      String decision,
      String comment,
      Supplier<Optional<String>> subjectCheck) {
    if (user == null || user.isBlank()) {
      return Optional.of("nobody is signed in: an approval needs a person");
    }
    if (!Subject.AWAITING_APPROVAL.equals(subject.state())) {
      return Optional.of(
          "the " + subject.kind() + " is " + subject.state() + ", not awaiting approval");
    }
    if (subject.expiresAt() != null && !Instant.now(clock).isBefore(subject.expiresAt())) {
      return Optional.of("the approval expired at " + subject.expiresAt());
    }
    if (user.equals(subject.requestedBy())) {
      return Optional.of("the requester of a " + subject.kind() + " cannot approve it");
    }
    if (!isApprover(user, subject)) {
      return Optional.of(
          user
              + " is not an approver of group "
              + subject.approverGroup()
              + " in the organization, or became one after the "
              + subject.kind()
              + " was requested");
    }
    if (decidedBy.contains(user)) {
      return Optional.of(
          user + " has decided on this " + subject.kind() + " already; a second person must");
    }
    Optional<String> subjectSays = subjectCheck.get();
    if (subjectSays.isPresent()) {
      return subjectSays;
    }
    if (!Vote.APPROVE.equals(decision) && !Vote.REJECT.equals(decision)) {
      return Optional.of("the decision must be approve or reject");
    }
    if (Vote.REJECT.equals(decision) && (comment == null || comment.isBlank())) {
      return Optional.of("a rejection needs a comment that says why");
    }
    return Optional.empty();
  }

  /**
   * Why the votes on record are not enough, or empty when they are: no rejection, and as many
   * approvals as required from different approvers of the group, none the requester's.
   *
   * @param counts what a vote must also satisfy to count (e.g. the snapshot hash signed)
   */
  public Optional<String> whyNotEnough(Subject subject, List<Vote> votes, Predicate<Vote> counts) {
    if (subject.approvalsRequired() == null) {
      return Optional.of("no approval policy on record");
    }
    Set<String> approvers = new HashSet<>();
    for (Vote vote : votes) {
      if (!vote.approves()) {
        return Optional.of(vote.approver() + " rejected it");
      }
      if (vote.approver().equals(subject.requestedBy())
          || !counts.test(vote)
          || !isApprover(vote.approver(), subject)) {
        continue; // never counts, whatever wrote it
      }
      approvers.add(vote.approver());
    }
    if (approvers.size() < subject.approvalsRequired()) {
      return Optional.of(
          approvers.size()
              + " valid approval(s) on record, "
              + subject.approvalsRequired()
              + " required");
    }
    return Optional.empty();
  }

  /**
   * A member of the team whose approvers group is asked, marked approver, in the organization,
   * since before the request: a right granted later (an approver made for the occasion) does not
   * count for it.
   */
  public boolean isApprover(String user, Subject subject) {
    return grantOf(user, subject.approverGroup(), subject.organizationId())
        .filter(grant -> !grant.since().isAfter(subject.requestedAt()))
        .isPresent();
  }

  /** Who made a person an approver of the group, and since when; empty when they are not one. */
  public Optional<ApproverGrant> grantOf(String user, String group, String organizationId) {
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
  public record ApproverGrant(Instant since, String grantedBy, String confirmedBy) {}
}
