package io.flowgate.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * A browser session of a Camunda webapp (Cockpit, Tasklist, Admin), logged in through the webapps'
 * own login API, that sends requests to their APIs with the webapps' CSRF token as their pages do.
 */
public final class CamundaWebappSession {

  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;
  private final int port;
  private int loginStatus;

  private CamundaWebappSession(int port) {
    this.port = port;
    this.client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).build();
  }

  /** Opens the app's page (for the CSRF cookie) and logs in with the user's password. */
  public static CamundaWebappSession login(
      int port, String engine, String app, String user, String password) {
    CamundaWebappSession session = new CamundaWebappSession(port);
    session.send("GET", "/camunda/app/" + app + "/", null, null);
    String form =
        "username="
            + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(password, StandardCharsets.UTF_8);
    session.loginStatus =
        session
            .send(
                "POST",
                "/camunda/api/admin/auth/user/" + engine + "/login/" + app,
                "application/x-www-form-urlencoded",
                form)
            .status();
    // the login starts a new session: a first request in it brings that session's CSRF token
    session.send("GET", "/camunda/api/admin/auth/user/" + engine, null, null);
    return session;
  }

  public int loginStatus() {
    return loginStatus;
  }

  /**
   * Sends a request with the session cookie and the current CSRF token; returns status and body.
   */
  public ApiTestSupport.Response send(String method, String path, String contentType, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Accept", "application/json");
    String token = csrfToken();
    if (token != null) {
      request.header("X-XSRF-TOKEN", token);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new ApiTestSupport.Response(
          response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String csrfToken() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(cookie -> cookie.getName().equals("XSRF-TOKEN"))
        .map(HttpCookie::getValue)
        .reduce((first, last) -> last)
        .orElse(null);
  }
}
