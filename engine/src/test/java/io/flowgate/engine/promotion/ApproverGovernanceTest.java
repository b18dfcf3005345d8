package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who makes approvers: every grant is recorded with its time and granter, an organization may ask a
 * second admin to confirm each grant, and an approver made after a promotion was requested does not
 * count for it.
 */
class ApproverGovernanceTest extends ApiTestSupport {

  @Autowired FourEyesRules rules;

  private String organization;
  private String team;
  private String firstAdmin;
  private String secondAdmin;

  @BeforeEach
  void anOrganizationWithTwoAdmins() {
    organization = createOrganization(unique("Org"));
    team = createTeam(organization, unique("team"));
    firstAdmin = createUser(organization, unique("admin1"), "admin");
    secondAdmin = createUser(organization, unique("admin2"), "admin");
  }

  @Test
  void aGrantIsRecordedAndOnlyCountsForPromotionsRequestedAfterIt() {
    String approver = createUser(organization, unique("quality"), "member");
    Instant beforeGrant = Instant.now().minus(1, ChronoUnit.SECONDS);
    JsonNode member = makeApprover(approver);
    assertThat(member.path("approver").asBoolean()).isTrue();
    assertThat(member.path("approverGrantedBy").asText()).isEqualTo(firstAdmin);
    Instant since = Instant.parse(member.path("approverSince").asText());
    assertThat(since).isAfter(beforeGrant);

    String group = "team-" + team + "-approvers";
    assertThat(rules.isApprover(approver, promotionRequestedAt(beforeGrant, group)))
        .as("a promotion requested before the grant")
        .isFalse();
    assertThat(rules.isApprover(approver, promotionRequestedAt(since.plusSeconds(1), group)))
        .as("a promotion requested after it")
        .isTrue();

    // taken away and given again: the new grant counts from its own time
    expect(
        put(
            "/api/v1/teams/" + team + "/members/" + approver,
            as(firstAdmin),
            body("role", "member", "approver", false)),
        200);
    assertThat(rules.isApprover(approver, promotionRequestedAt(since.plusSeconds(1), group)))
        .isFalse();
  }

  @Test
  void withTwoAdminsRequiredAGrantWaitsForASecondAdmin() {
    expect(
        put(
            "/api/v1/organizations/" + organization + "/settings",
            as(firstAdmin),
            body("approverGrantsNeedTwoAdmins", true)),
        200);
    String approver = createUser(organization, unique("quality"), "member");
    JsonNode pending = makeApprover(approver);
    assertThat(pending.path("approver").asBoolean()).isFalse();
    assertThat(pending.path("approverRequestedBy").asText()).isEqualTo(firstAdmin);
    String confirm = "/api/v1/teams/" + team + "/members/" + approver + "/approver-confirmation";

    int refusedBefore = refusedConfirmations();
    assertThat(post(confirm, as(firstAdmin), null).status()).as("the same admin").isEqualTo(403);
    assertThat(post(confirm, as(approver), null).status()).as("the new approver").isEqualTo(403);
    assertThat(refusedConfirmations() - refusedBefore).isEqualTo(1);
    assertThat(
            expect(get("/api/v1/teams/" + team + "/members/" + approver, as(firstAdmin)), 200)
                .json()
                .path("approver")
                .asBoolean())
        .isFalse();

    JsonNode confirmed = expect(post(confirm, as(secondAdmin), null), 200).json();
    assertThat(confirmed.path("approver").asBoolean()).isTrue();
    assertThat(confirmed.path("approverGrantedBy").asText()).isEqualTo(firstAdmin);
    assertThat(confirmed.path("approverConfirmedBy").asText()).isEqualTo(secondAdmin);
    assertThat(post(confirm, as(secondAdmin), null).status()).as("nothing left").isEqualTo(409);

    // one admin alone cannot drop the rule again; the platform administrator can
    assertThat(
            put(
                    "/api/v1/organizations/" + organization + "/settings",
                    as(secondAdmin),
                    body("approverGrantsNeedTwoAdmins", false))
                .status())
        .isEqualTo(403);
    expect(
        put(
            "/api/v1/organizations/" + organization + "/settings",
            admin(),
            body("approverGrantsNeedTwoAdmins", false)),
        200);
  }

  /** The first admin makes the user an approver of the team; the member as answered. */
  private JsonNode makeApprover(String user) {
    return expect(
            put(
                "/api/v1/teams/" + team + "/members/" + user,
                as(firstAdmin),
                body("role", "member", "approver", true)),
            201)
        .json();
  }

  private int refusedConfirmations() {
    return count(
        "select count(*) from flowgate.audit_log where action ="
            + " 'team.member.approver-confirmation-refused'");
  }

  /** A promotion record as the rules read it: the group, the organization and when it was asked. */
  private Promotion promotionRequestedAt(Instant requestedAt, String approverGroup) {
    return new Promotion(
        "p",
        organization,
        team,
        "pipeline",
        "Filling",
        "s1",
        "dev",
        "s2",
        "prod",
        true,
        true,
        approverGroup,
        null,
        null,
        null,
        null,
        null,
        "requester",
        null,
        requestedAt,
        null,
        null,
        PromotionState.AWAITING_APPROVAL,
        null,
        2,
        approverGroup,
        null,
        null,
        null,
        Promotion.PROMOTION);
  }
}
