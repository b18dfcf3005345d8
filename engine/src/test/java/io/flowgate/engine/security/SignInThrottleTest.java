package io.flowgate.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Password guessing is slowed, per client address and per user name, on every route that checks a
 * password (HTTP Basic on /api/v1 and /engine-rest, the session sign-in, the webapps' login), and
 * nobody is ever locked out: the real user from another address signs in whatever the attacker did.
 * Clients at other addresses are spoken for by X-Forwarded-For, which the test configuration (only)
 * trusts from loopback; requests without it come from loopback itself.
 */
class SignInThrottleTest extends ApiTestSupport {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @Autowired IdentityService identity;
  @Autowired ProcessEngine engine;

  @Test
  void thousandWrongPasswordsFromOneAddressAreSlowedAndTheRealUserStillSignsIn() throws Exception {
    String organization = createOrganization(unique("Throttle"));
    String victim = createUser(organization, unique("victim"), "member");
    String attacker = "203.0.113.7";

    int checked = 0;
    int throttled = 0;
    long started = System.nanoTime();
    for (int attempt = 0; attempt < 1000; attempt++) {
      HttpResponse<String> response = signIn(victim, "guess-" + attempt, attacker);
      if (response.statusCode() == 401) {
        checked++;
      } else {
        assertThat(response.statusCode())
            .as("attempt %d: %s", attempt, response.body())
            .isEqualTo(429);
        throttled++;
        if (throttled == 1) {
          assertThrottledProblem(response);
        }
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    // only the first few were checked at all; every later one was refused unchecked
    assertThat(checked).isBetween(1, 10);
    assertThat(throttled).isEqualTo(1000 - checked);
    assertThat(took).as("a bounded loop").isLessThan(Duration.ofMinutes(2));

    // the attacker's address waits on every route, even with the right password
    assertThat(basic("/api/v1/me", victim, PASSWORD, attacker).statusCode()).isEqualTo(429);
    assertThrottledProblem(basic("/engine-rest/engine", victim, PASSWORD, attacker));
    assertThat(webappLogin(victim, PASSWORD, attacker).statusCode()).isEqualTo(429);

    // the real user, from anywhere else, is not held back by any of it
    assertThat(signIn(victim, PASSWORD, "198.51.100.20").statusCode()).isEqualTo(200);
    assertThat(basic("/api/v1/me", victim, PASSWORD, "198.51.100.21").statusCode()).isEqualTo(200);
    assertThat(basic("/engine-rest/engine", victim, PASSWORD, "198.51.100.22").statusCode())
        .isEqualTo(200);
    assertThat(webappLogin(victim, PASSWORD, "198.51.100.23").statusCode()).isEqualTo(200);
    // and Camunda has locked nothing
    assertThat(identity.checkPassword(victim, PASSWORD)).isTrue();
  }

  @Test
  void guessingFromManyAddressesIsSlowedByTheUserNameButNotForACleanAddress() throws Exception {
    String organization = createOrganization(unique("Throttle"));
    String victim = createUser(organization, unique("spread"), "member");
    int checked = 0;
    for (int host = 1; host <= 20; host++) {
      for (int attempt = 1; attempt <= 6; attempt++) {
        int status = signIn(victim, "guess", "192.0.2." + host).statusCode();
        if (status == 401) {
          checked++;
        } else {
          assertThat(status).isEqualTo(429);
          // every address has tokens of its own left (10 at once): the user name's bucket, empty
          // after the first addresses, holds back an address once it has failed a few times
          assertThat(attempt).isGreaterThan(SignInThrottle.USER_LIMIT_AFTER);
        }
      }
    }
    // 20 addresses, 6 tries each: a few guesses per address, not 120
    assertThat(checked).isLessThanOrEqualTo(20 * SignInThrottle.USER_LIMIT_AFTER + 5);
    assertThat(signIn(victim, PASSWORD, "198.51.100.40").statusCode()).isEqualTo(200);
  }

  @Test
  void theAdministratorSignsInFromLoopbackWhateverOthersDo() throws Exception {
    String organization = createOrganization(unique("Throttle"));
    String other = createUser(organization, unique("other"), "member");
    // remote guessers hammer the administrator's name from many addresses…
    for (int host = 1; host <= 30; host++) {
      for (int attempt = 0; attempt < 4; attempt++) {
        assertThat(signIn(ADMIN, "guess", "192.0.2." + (100 + host)).statusCode()).isIn(401, 429);
      }
    }
    // …and a local process guesses another user's password on loopback
    for (int attempt = 0; attempt < 50; attempt++) {
      assertThat(signIn(other, "guess", null).statusCode()).isIn(401, 429);
    }
    assertThat(signIn(other, "guess", null).statusCode()).isEqualTo(429);
    // the administrator on loopback signs in on every route
    assertThat(signIn(ADMIN, ADMIN_PASSWORD, null).statusCode()).isEqualTo(200);
    assertThat(basic("/api/v1/me", ADMIN, ADMIN_PASSWORD, null).statusCode()).isEqualTo(200);
    assertThat(webappLogin(ADMIN, ADMIN_PASSWORD, null).statusCode()).isEqualTo(200);
    assertThat(identity.checkPassword(ADMIN, ADMIN_PASSWORD)).isTrue();
  }

  @Test
  void theWebappsLoginIsThrottledLikeTheApi() throws Exception {
    String organization = createOrganization(unique("Throttle"));
    String victim = createUser(organization, unique("webapp"), "member");
    int checked = 0;
    HttpResponse<String> last = null;
    for (int attempt = 0; attempt < 15; attempt++) {
      last = webappLogin(victim, "guess-" + attempt, "203.0.113.50");
      if (last.statusCode() == 401) {
        checked++;
      }
    }
    assertThat(checked).isBetween(1, 10);
    assertThrottledProblem(last);
    assertThat(webappLogin(victim, PASSWORD, "198.51.100.50").statusCode()).isEqualTo(200);
  }

  private static void assertThrottledProblem(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    assertThat(response.headers().firstValue("Retry-After"))
        .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
    assertThat(response.body()).contains("try again in").contains("Nothing is locked");
  }

  private HttpResponse<String> signIn(String user, String password, String clientAddress)
      throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(java.util.Map.of("username", user, "password", password));
    return CLIENT.send(
        request("/api/v1/session", clientAddress)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> basic(
      String path, String user, String password, String clientAddress)
      throws IOException, InterruptedException {
    String credentials =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return CLIENT.send(
        request(path, clientAddress).header("Authorization", "Basic " + credentials).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Tasklist's login page, then its login API, as a browser at {@code clientAddress} does. */
  private HttpResponse<String> webappLogin(String user, String password, String clientAddress)
      throws IOException, InterruptedException {
    CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    HttpClient browser =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
    browser.send(
        request("/camunda/app/tasklist/", clientAddress).GET().build(),
        HttpResponse.BodyHandlers.discarding());
    String xsrf =
        cookies.getCookieStore().getCookies().stream()
            .filter(cookie -> cookie.getName().equals("XSRF-TOKEN"))
            .map(HttpCookie::getValue)
            .findFirst()
            .orElse("");
    String form =
        "username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    return browser.send(
        request(
                "/camunda/api/admin/auth/user/" + engine.getName() + "/login/tasklist",
                clientAddress)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-XSRF-TOKEN", xsrf)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String clientAddress) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    if (clientAddress != null) {
      request.header("X-Forwarded-For", clientAddress);
    }
    return request;
  }
}
