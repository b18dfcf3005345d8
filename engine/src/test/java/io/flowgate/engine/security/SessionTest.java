package io.flowgate.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Browser sign-in by session cookie: the cookie reads the API, changes need the CSRF token, the
 * session id changes at sign-in, sign-out ends it; Basic and bearer callers need no CSRF token.
 */
class SessionTest extends ApiTestSupport {

  private static final String SESSION = "/api/v1/session";

  /** A signed-in browser: the session and CSRF cookies. */
  private record Browser(String sessionId, String csrf) {
    Auth withToken() {
      return Auth.session(sessionId, csrf, csrf);
    }

    Auth withoutToken() {
      return Auth.session(sessionId, csrf, null);
    }
  }

  private Browser signIn(String username, String password, Auth auth) {
    Response response =
        expect(post(SESSION, auth, body("username", username, "password", password)), 200);
    assertThat(response.json().path("username").asText()).isEqualTo(username);
    String sessionId = response.cookie("JSESSIONID");
    String csrf = response.cookie("XSRF-TOKEN");
    assertThat(sessionId).as("session cookie").isNotBlank();
    assertThat(csrf).as("CSRF cookie").isNotBlank();
    return new Browser(sessionId, csrf);
  }

  private String member() {
    String organization = createOrganization(unique("Session org"));
    return createUser(organization, unique("sess"), "member");
  }

  @Test
  void theSessionCookieReadsTheApi() {
    String user = member();
    Response signedIn =
        expect(post(SESSION, Auth.NONE, body("username", user, "password", PASSWORD)), 200);
    assertThat(signedIn.json().path("platformAdmin").asBoolean()).isFalse();
    assertThat(signedIn.setCookie("JSESSIONID"))
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Lax");
    assertThat(signedIn.setCookie("XSRF-TOKEN")).doesNotContainIgnoringCase("HttpOnly");
    Browser browser = new Browser(signedIn.cookie("JSESSIONID"), signedIn.cookie("XSRF-TOKEN"));

    expect(get("/api/v1/organizations", browser.withoutToken()), 200);
    Response me = expect(get(SESSION, browser.withoutToken()), 200);
    assertThat(me.json().path("username").asText()).isEqualTo(user);
    assertThat(me.json().path("platformAdmin").asBoolean()).isFalse();
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where action = 'session.created'"
                    + " and entity_id = '"
                    + user
                    + "'"))
        .isEqualTo(1);
    // the session signs in on Flowgate's API only, not on the engine REST API
    expect(get("/engine-rest/process-instance", browser.withoutToken()), 401);
  }

  @Test
  void nobodySignedInIs401() {
    Response response = expect(get(SESSION, Auth.NONE), 401);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    expect(get("/api/v1/organizations", Auth.session("no-such-session", null, null)), 401);
  }

  @Test
  void changesWithTheCookieNeedTheCsrfToken() {
    Browser browser = signIn(ADMIN, ADMIN_PASSWORD, Auth.NONE);
    String name = unique("Csrf org");

    Response refused =
        expect(post("/api/v1/organizations", browser.withoutToken(), body("name", name)), 403);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().path("detail").asText()).contains("X-XSRF-TOKEN");
    Auth wrongToken = Auth.session(browser.sessionId(), browser.csrf(), "not-the-token");
    expect(post("/api/v1/organizations", wrongToken, body("name", name)), 403);
    assertThat(count(organizationsNamed(name))).isZero();

    expect(post("/api/v1/organizations", browser.withToken(), body("name", name)), 201);
    assertThat(count(organizationsNamed(name))).isEqualTo(1);
  }

  private static String organizationsNamed(String name) {
    return "select count(*) from flowgate.organization where name = '" + name + "'";
  }

  @Test
  void signingInGivesANewSessionId() {
    String user = member();
    Browser first = signIn(user, PASSWORD, Auth.NONE);
    // signing in again from a session (e.g. one an attacker planted) gets another id
    Browser second = signIn(user, PASSWORD, first.withoutToken());
    assertThat(second.sessionId()).isNotEqualTo(first.sessionId());
    expect(get(SESSION, first.withoutToken()), 401);
    expect(get(SESSION, second.withoutToken()), 200);
  }

  @Test
  void signingOutEndsTheSession() {
    String user = member();
    Browser browser = signIn(user, PASSWORD, Auth.NONE);
    expect(delete(SESSION, browser.withoutToken()), 403);
    expect(get("/api/v1/organizations", browser.withoutToken()), 200);

    expect(delete(SESSION, browser.withToken()), 204);
    Response after = expect(get("/api/v1/organizations", browser.withoutToken()), 401);
    assertThat(after.header("Content-Type")).startsWith("application/problem+json");
    expect(get(SESSION, browser.withoutToken()), 401);
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where action = 'session.ended'"
                    + " and entity_id = '"
                    + user
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void wrongCredentialsAre401WithoutASession() {
    // a user of its own: Camunda delays the next sign-ins of a user after a wrong password
    String user = member();
    Response wrong =
        expect(post(SESSION, Auth.NONE, body("username", user, "password", "wrong")), 401);
    Response unknown =
        expect(
            post(SESSION, Auth.NONE, body("username", unique("nobody"), "password", "whatever")),
            401);
    for (Response response : new Response[] {wrong, unknown}) {
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(response.setCookie("JSESSIONID")).as("session cookie").isNull();
      assertThat(response.header("WWW-Authenticate")).isNull();
      assertThat(response.body()).doesNotContain("wrong\"").doesNotContain("whatever");
    }
    assertThat(wrong.json().path("detail").asText())
        .isEqualTo(unknown.json().path("detail").asText());
  }

  @Test
  void basicAndBearerCallersNeedNoCsrfToken() {
    String organization =
        expect(post("/api/v1/organizations", admin(), body("name", unique("Basic org"))), 201)
            .json()
            .path("id")
            .asText();
    String team = createTeam(organization, unique("st"));
    String token =
        expect(
                post(
                    "/api/v1/teams/" + team + "/tokens",
                    admin(),
                    body(
                        "name",
                        "session test",
                        "role",
                        "member",
                        "expiresAt",
                        Instant.now()
                            .plus(1, ChronoUnit.DAYS)
                            .truncatedTo(ChronoUnit.SECONDS)
                            .toString())),
                201)
            .json()
            .path("token")
            .asText();
    expect(
        post(
            "/api/v1/teams/" + team + "/applications",
            Auth.bearer(token),
            body("name", unique("app"))),
        201);
  }
}
