package io.flowgate.engine.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** API tokens: shown once, stored hashed, scoped to a team and role, refused when revoked. */
@ExtendWith(OutputCaptureExtension.class)
class ApiTokenTest extends ApiTestSupport {

  private static String inAMonth() {
    return Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Test
  void aTokenActsForItsTeamWithItsRoleUntilRevoked(CapturedOutput output) {
    String org = createOrganization(unique("Tokens"));
    String owner = createUser(org, unique("owner"), "member");
    String team = createTeam(org, unique("ci"));
    String otherTeam = createTeam(org, unique("other"));
    putMember(team, owner, "owner", false);

    Response created =
        post(
            "/api/v1/teams/" + team + "/tokens",
            as(owner),
            body("name", "CI <b>pipeline</b>", "role", "member", "expiresAt", inAMonth()));
    expect(created, 201);
    JsonNode issued = created.json();
    String id = issued.path("id").asText();
    String token = issued.path("token").asText();
    assertThat(token).startsWith("fgt_").hasSize(4 + 43);
    assertThat(issued.path("name").asText()).isEqualTo("CI pipeline");
    assertThat(issued.path("role").asText()).isEqualTo("member");
    assertThat(created.header("Location")).isEqualTo("/api/v1/teams/" + team + "/tokens/" + id);

    // only the hash is stored, and the secret is in no other row or audit entry
    assertThat(
            jdbc.sql("select hash from flowgate.token where id = ?")
                .param(id)
                .query(String.class)
                .single())
        .isEqualTo(TokenSecrets.hash(token));
    assertThat(
            count(
                "select count(*) from flowgate.token where hash like '%"
                    + token.substring(4)
                    + "%' or name like '%"
                    + token.substring(4)
                    + "%'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where details like '%"
                    + token.substring(4)
                    + "%'"))
        .isZero();
    assertThat(
            jdbc.sql(
                    "select details from flowgate.audit_log where action = 'token.created' and entity_id = ?")
                .param(id)
                .query(String.class)
                .single())
        .contains("\"role\":\"member\"");

    Response listed = expect(get("/api/v1/teams/" + team + "/tokens", as(owner)), 200);
    assertThat(listed.json().findValuesAsText("id")).containsExactly(id);
    assertThat(listed.body()).doesNotContain(token).doesNotContain("\"token\"");
    assertThat(expect(get("/api/v1/teams/" + team + "/tokens/" + id, as(owner)), 200).body())
        .doesNotContain(token);

    Auth bearer = Auth.bearer(token);
    expect(get("/api/v1/teams/" + team, bearer), 200);
    Response application =
        post("/api/v1/teams/" + team + "/applications", bearer, body("name", "From CI"));
    expect(application, 201);
    assertThat(application.json().path("createdBy").asText()).isEqualTo("token:" + id);
    assertThat(
            jdbc.sql(
                    "select actor from flowgate.audit_log where action = 'application.created' and entity_id = ?")
                .param(application.json().path("id").asText())
                .query(String.class)
                .single())
        .isEqualTo("token:" + id);
    expect(get("/api/v1/teams/" + otherTeam, bearer), 404);
    expect(get("/api/v1/teams/" + team + "/tokens", bearer), 403);
    expect(
        post(
            "/api/v1/teams/" + team + "/tokens",
            bearer,
            body("name", "successor", "role", "owner", "expiresAt", inAMonth())),
        403);
    expect(get("/api/v1/engine-rest-is-not-here", bearer), 404);
    Response engineRest = get("/engine-rest/process-instance", bearer);
    expect(engineRest, 403);
    assertThat(engineRest.json().path("detail").asText()).contains("/api/v1");
    assertThat(
            jdbc.sql("select last_used_at from flowgate.token where id = ?")
                .param(id)
                .query(java.sql.Timestamp.class)
                .single())
        .isNotNull();

    expect(delete("/api/v1/teams/" + team + "/tokens/" + id, as(owner)), 204);
    Response revoked = get("/api/v1/teams/" + team, bearer);
    expect(revoked, 401);
    assertThat(revoked.header("Content-Type")).startsWith("application/problem+json");
    assertThat(revoked.json().path("detail").asText()).contains("revoked").doesNotContain(token);
    expect(delete("/api/v1/teams/" + team + "/tokens/" + id, as(owner)), 204);
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where action = 'token.revoked' and entity_id = '"
                    + id
                    + "'"))
        .isOne();
    assertThat(
            expect(get("/api/v1/teams/" + team + "/tokens/" + id, as(owner)), 200)
                .json()
                .path("revokedAt")
                .isNull())
        .isFalse();

    assertThat(output.getAll()).doesNotContain(token).doesNotContain(token.substring(4));
  }

  @Test
  void expiredMalformedAndUnknownTokensAreRefused() {
    String org = createOrganization(unique("Expiry"));
    String team = createTeam(org, unique("expiry"));
    Response created =
        post(
            "/api/v1/teams/" + team + "/tokens",
            admin(),
            body("name", "short-lived", "role", "viewer", "expiresAt", inAMonth()));
    expect(created, 201);
    String token = created.json().path("token").asText();
    expect(get("/api/v1/teams/" + team, Auth.bearer(token)), 200);
    expect(
        post("/api/v1/teams/" + team + "/applications", Auth.bearer(token), body("name", "nope")),
        403);

    jdbc.sql("update flowgate.token set expires_at = now() - interval '1 minute' where id = ?")
        .param(created.json().path("id").asText())
        .update();
    Response expired = get("/api/v1/teams/" + team, Auth.bearer(token));
    expect(expired, 401);
    assertThat(expired.json().path("detail").asText()).contains("expired");

    Response malformed = get("/api/v1/organizations", Auth.bearer("not-a-token"));
    expect(malformed, 401);
    assertThat(malformed.json().path("detail").asText()).contains("not a Flowgate token");
    Response unknown = get("/api/v1/organizations", Auth.bearer("fgt_" + "A".repeat(43)));
    expect(unknown, 401);
    assertThat(unknown.json().path("detail").asText()).contains("Unknown token");
  }

  @Test
  void expiryMustBeGivenInTheFutureAndWithinTwoYears() {
    String org = createOrganization(unique("Lifetimes"));
    String team = createTeam(org, unique("life"));
    String tokens = "/api/v1/teams/" + team + "/tokens";
    int before = count("select count(*) from flowgate.token");
    assertThat(
            expect(post(tokens, admin(), body("name", "x", "role", "member")), 400)
                .json()
                .path("detail")
                .asText())
        .contains("expiresAt");
    assertThat(
            expect(
                    post(
                        tokens,
                        admin(),
                        body("name", "x", "role", "member", "expiresAt", "2001-01-01T00:00:00Z")),
                    400)
                .json()
                .path("detail")
                .asText())
        .contains("future");
    assertThat(
            expect(
                    post(
                        tokens,
                        admin(),
                        body("name", "x", "role", "member", "expiresAt", "2999-01-01T00:00:00Z")),
                    400)
                .json()
                .path("detail")
                .asText())
        .contains("two years");
    assertThat(
            expect(
                    post(
                        tokens,
                        admin(),
                        body("name", "x", "role", "member", "expiresAt", "tomorrow")),
                    400)
                .json()
                .path("detail")
                .asText())
        .contains("ISO-8601");
    assertThat(
            expect(
                    post(
                        tokens,
                        admin(),
                        body("name", "x", "role", "king", "expiresAt", inAMonth())),
                    400)
                .json()
                .path("detail")
                .asText())
        .contains("viewer, member, owner");
    assertThat(count("select count(*) from flowgate.token")).isEqualTo(before);
  }
}
