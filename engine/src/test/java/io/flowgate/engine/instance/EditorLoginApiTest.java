package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.testing.ApiTestSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Personal editor logins without a Node-RED: who gets which login, and what the instance's own
 * token learns when its Node-RED checks them (EditorLoginLocalRuntimeTest runs a real one).
 */
class EditorLoginApiTest extends ApiTestSupport {

  @Autowired SecretBox secrets;

  private TeamWithApplication made;
  private String instance;
  private String member;
  private String viewer;

  @BeforeEach
  void anInstanceWithATeam() {
    made = teamWithApplication();
    instance = newInstance(unique("editor"));
    member = createUser(made.organization(), unique("member"), "member");
    putMember(made.team(), member, "member", false);
    viewer = createUser(made.organization(), unique("viewer"), "member");
    putMember(made.team(), viewer, "viewer", false);
  }

  @Test
  void peopleGetLoginsOfTheirOwnWithTheirAccessAndTokensGetNone() {
    Response handed = expect(get(credentials(instance), as(member)), 200);
    assertThat(handed.header("Cache-Control")).contains("no-store");
    JsonNode login = handed.json();
    assertThat(login.path("username").asText()).isEqualTo(member);
    assertThat(login.path("permissions").asText()).isEqualTo("*");
    assertThat(login.path("readOnly").asBoolean()).isFalse();
    assertThat(login.path("password").asText()).hasSize(32);
    Instant expires = Instant.parse(login.path("expiresAt").asText());
    assertThat(expires)
        .isBetween(
            Instant.now().plus(Duration.ofHours(11)), Instant.now().plus(Duration.ofHours(13)));

    JsonNode viewers = expect(get(credentials(instance), as(viewer)), 200).json();
    assertThat(viewers.path("username").asText()).isEqualTo(viewer + " (read-only)");
    assertThat(viewers.path("permissions").asText()).isEqualTo("read");
    assertThat(viewers.path("readOnlyBecause").asText()).contains("viewer");

    String stranger = createUser(made.organization(), unique("stranger"), "member");
    assertThat(get(credentials(instance), as(stranger)).status()).isEqualTo(404);
    Response token = get(credentials(instance), Auth.bearer(apiToken()));
    assertThat(token.status()).isEqualTo(403);
    assertThat(token.body()).contains("for people");

    // every handout audited, the password nowhere in the log
    assertThat(auditDetails("instance.editor-login-issued"))
        .hasSize(2)
        .allSatisfy(details -> assertThat(details).doesNotContain(login.path("password").asText()))
        .anySatisfy(details -> assertThat(details).contains("\"access\":\"read\""));
    // Flowgate's own Node-RED user stays Flowgate's: no person's login stands for it
    assertThat(
            jdbc.sql("select editor_user from flowgate.instance where id = ?")
                .param(instance)
                .query(String.class)
                .single())
        .isEqualTo(EditorLogins.FLOWGATE_USER);
  }

  @Test
  void theInstanceChecksLoginsAndALoginEndsWhenItsGroundsGo() {
    Auth itself = Auth.bearer(instanceToken(instance));
    JsonNode login = expect(get(credentials(instance), as(member)), 200).json();
    String password = login.path("password").asText();
    System.out.println(
        "DEBUG rows "
            + jdbc.sql(
                    "select instance_id || ' ' || username || ' ' || access || ' ' || expires_at from flowgate.editor_login")
                .query(String.class)
                .list()
            + " instance "
            + instance
            + " member "
            + member);

    JsonNode user = expect(post(logins(instance), itself, loginBody(member, password)), 200).json();
    assertThat(user.path("username").asText()).isEqualTo(member);
    assertThat(user.path("permissions").asText()).isEqualTo("*");
    expect(get(users(instance, member), itself), 200);
    assertThat(get(users(instance, member + " (read-only)"), itself).status()).isEqualTo(404);
    Response wrong = post(logins(instance), itself, loginBody(member, "not-" + password));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.json().path("title").asText()).isEqualTo("Editor login refused");
    assertThat(wrong.body()).doesNotContain(password);
    // Flowgate's own user is checked by Node-RED alone, never here
    assertThat(post(logins(instance), itself, loginBody(EditorLogins.FLOWGATE_USER, "x")).status())
        .isEqualTo(403);

    // the stage becomes protected: the write login is gone at once, a new one reads only
    protect(instance);
    assertThat(get(users(instance, member), itself).status()).isEqualTo(404);
    assertThat(post(logins(instance), itself, loginBody(member, password)).body())
        .contains("protected");
    JsonNode readOnly = expect(get(credentials(instance), as(member)), 200).json();
    assertThat(readOnly.path("username").asText()).isEqualTo(member + " (read-only)");
    assertThat(readOnly.path("permissions").asText()).isEqualTo("read");
    assertThat(readOnly.path("readOnlyBecause").asText()).contains("protected stage 'prod'");
    String readUser = readOnly.path("username").asText();
    expect(
        post(logins(instance), itself, loginBody(readUser, readOnly.path("password").asText())),
        200);
    assertThat(
            expect(get(users(instance, readUser), itself), 200).json().path("permissions").asText())
        .isEqualTo("read");

    // expired, or its person left the team: gone
    jdbc.sql(
            "update flowgate.editor_login set expires_at = now() - interval '1 second'"
                + " where instance_id = ? and username = ?")
        .params(instance, member)
        .update();
    assertThat(get(users(instance, readUser), itself).status()).isEqualTo(404);
    assertThat(
            post(logins(instance), itself, loginBody(readUser, readOnly.path("password").asText()))
                .body())
        .contains("expired");
    JsonNode viewers = expect(get(credentials(instance), as(viewer)), 200).json();
    String viewerUser = viewers.path("username").asText();
    expect(get(users(instance, viewerUser), itself), 200);
    expect(delete("/api/v1/teams/" + made.team() + "/members/" + viewer, admin()), 204);
    assertThat(get(users(instance, viewerUser), itself).status()).isEqualTo(404);

    assertThat(auditDetails("instance.editor-login")).hasSize(2);
    List<String> refused = auditDetails("instance.editor-login-refused");
    assertThat(refused).hasSize(4);
    assertThat(String.join("\n", refused))
        .contains("wrong password", "protected", "expired", "not a personal editor login");
    assertThat(
            jdbc.sql(
                    "select actor from flowgate.audit_log where action = 'instance.editor-login'"
                        + " and entity_id = ?")
                .param(instance)
                .query(String.class)
                .list())
        .containsOnly(member);
  }

  @Test
  void onlyTheInstanceItselfChecksItsLogins() {
    String other = newInstance(unique("other"));
    JsonNode login = expect(get(credentials(instance), as(member)), 200).json();
    Map<String, Object> body = loginBody(member, login.path("password").asText());

    // another instance's token: as if the instance did not exist
    Auth foreign = Auth.bearer(instanceToken(other));
    assertThat(post(logins(instance), foreign, body).status()).isEqualTo(404);
    assertThat(get(users(instance, member), foreign).status()).isEqualTo(404);
    // people and API tokens do not check logins
    assertThat(post(logins(instance), as(made.owner()), body).status()).isEqualTo(403);
    assertThat(get(users(instance, member), Auth.bearer(apiToken())).status()).isEqualTo(403);
    // the instance token reaches these two, nothing more of the instance
    Auth itself = Auth.bearer(instanceToken(instance));
    assertThat(get(credentials(instance), itself).status()).isEqualTo(403);
    assertThat(sendJson("PUT", logins(instance), itself, body).status()).isEqualTo(403);
    assertThat(post(logins(instance), itself, body("username", member)).status()).isEqualTo(400);
    assertThat(post(logins(instance), itself, "not an object").status()).isBetween(400, 499);
  }

  @Test
  void anInstanceMadeBeforePersonalLoginsAsksToBeMadeAgain() {
    jdbc.sql("update flowgate.instance set editor_user = 'admin' where id = ?")
        .param(instance)
        .update();
    Response response = get(credentials(instance), as(member));
    assertThat(response.status()).isEqualTo(409);
    assertThat(response.body()).contains("suspend and start");
  }

  private void protect(String id) {
    String pipeline =
        expect(
                post(
                    "/api/v1/applications/" + made.application() + "/pipelines",
                    as(made.owner()),
                    body(
                        "name",
                        "Filling",
                        "stages",
                        List.of(
                            body(
                                "name",
                                "prod",
                                "instances",
                                List.of(id),
                                "action",
                                "use_latest",
                                "protected",
                                true)))),
                201)
            .json()
            .path("id")
            .asText();
    assertThat(pipeline).isNotBlank();
  }

  private String newInstance(String name) {
    return expect(post("/api/v1/instances", as(made.owner()), made.instanceRequest(name)), 202)
        .json()
        .path("id")
        .asText();
  }

  private String instanceToken(String id) {
    return secrets.decrypt(
        jdbc.sql("select files_token from flowgate.instance where id = ?")
            .param(id)
            .query(String.class)
            .single());
  }

  private String apiToken() {
    return expect(
            post(
                "/api/v1/teams/" + made.team() + "/tokens",
                as(made.owner()),
                body(
                    "name",
                    "ci",
                    "role",
                    "member",
                    "expiresAt",
                    Instant.now().plus(1, ChronoUnit.DAYS).toString())),
            201)
        .json()
        .path("token")
        .asText();
  }

  private List<String> auditDetails(String action) {
    return jdbc.sql(
            "select details from flowgate.audit_log where action = ? and entity_id = ? order by seq")
        .params(action, instance)
        .query(String.class)
        .list();
  }

  private static Map<String, Object> loginBody(String username, String password) {
    return body("username", username, "password", password);
  }

  private static String credentials(String id) {
    return "/api/v1/instances/" + id + "/editor-credentials";
  }

  private static String logins(String id) {
    return "/api/v1/instances/" + id + "/editor/logins";
  }

  private static String users(String id, String username) {
    return "/api/v1/instances/"
        + id
        + "/editor/users/"
        + URLEncoder.encode(username, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
