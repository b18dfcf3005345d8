package io.flowgate.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one Spring context of the API tests (real embedded PostgreSQL, real HTTP): every subclass
 * shares it, so it starts once per test run. Requests go through {@link HttpClient}, which sends
 * exactly what a test asks for (chunked bodies, odd content types).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestSupport {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "api-test-admin-password";

  @DynamicPropertySource
  static void apiTestSettings(DynamicPropertyRegistry registry) throws IOException {
    Path data = Files.createTempDirectory("flowgate-api-test-");
    registry.add("flowgate.data", data::toString);
    registry.add("flowgate.admin.password", () -> ADMIN_PASSWORD);
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  protected static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  @LocalServerPort protected int port;
  @Autowired protected JdbcClient jdbc;

  /** Who sends a request. */
  public sealed interface Auth {
    Auth NONE = new None();

    static Auth basic(String user, String password) {
      return new Basic(user, password);
    }

    static Auth bearer(String token) {
      return new Bearer(token);
    }

    /**
     * A browser signed in by {@code POST /api/v1/session}: sends the session and CSRF cookies and,
     * if {@code csrfHeader} is not null, the {@code X-XSRF-TOKEN} header with that value.
     */
    static Auth session(String sessionId, String csrfCookie, String csrfHeader) {
      return new Session(sessionId, csrfCookie, csrfHeader);
    }

    record None() implements Auth {}

    record Session(String sessionId, String csrfCookie, String csrfHeader) implements Auth {}

    record Basic(String user, String password) implements Auth {}

    record Bearer(String token) implements Auth {}
  }

  /** A response as received. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** The value of the cookie the response sets, or null. */
    public String cookie(String name) {
      return setCookie(name) == null
          ? null
          : setCookie(name).substring(name.length() + 1).split(";", 2)[0];
    }

    /** The whole {@code Set-Cookie} header for the cookie, or null; the last one wins. */
    public String setCookie(String name) {
      String found = null;
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase("Set-Cookie")) {
          for (String value : entry.getValue()) {
            if (value.startsWith(name + "=")) {
              found = value;
            }
          }
        }
      }
      return found;
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(entry -> entry.getValue().get(0))
          .orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + (body.length() > 500 ? body.substring(0, 500) + "…" : body);
    }
  }

  protected static Auth admin() {
    return Auth.basic(ADMIN, ADMIN_PASSWORD);
  }

  protected Response get(String path, Auth auth) {
    return send("GET", path, auth, null, null, true);
  }

  protected Response delete(String path, Auth auth) {
    return send("DELETE", path, auth, null, null, true);
  }

  protected Response post(String path, Auth auth, Object body) {
    return sendJson("POST", path, auth, body);
  }

  protected Response put(String path, Auth auth, Object body) {
    return sendJson("PUT", path, auth, body);
  }

  protected Response sendJson(String method, String path, Auth auth, Object body) {
    byte[] bytes;
    try {
      bytes =
          body instanceof String text
              ? text.getBytes(StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(method, path, auth, "application/json", bytes, true);
  }

  /**
   * Sends a request. With {@code contentLength} false the body goes out chunked, without a
   * Content-Length header.
   */
  protected Response send(
      String method,
      String path,
      Auth auth,
      String contentType,
      byte[] body,
      boolean contentLength) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60));
    switch (auth) {
      case Auth.None none -> {}
      case Auth.Basic basic ->
          request.header(
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (basic.user() + ":" + basic.password())
                              .getBytes(StandardCharsets.UTF_8)));
      case Auth.Bearer bearer -> request.header("Authorization", "Bearer " + bearer.token());
      case Auth.Session session -> {
        List<String> cookies = new java.util.ArrayList<>();
        if (session.sessionId() != null) {
          cookies.add("JSESSIONID=" + session.sessionId());
        }
        if (session.csrfCookie() != null) {
          cookies.add("XSRF-TOKEN=" + session.csrfCookie());
        }
        if (!cookies.isEmpty()) {
          request.header("Cookie", String.join("; ", cookies));
        }
        if (session.csrfHeader() != null) {
          request.header("X-XSRF-TOKEN", session.csrfHeader());
        }
      }
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (contentLength) {
      publisher = HttpRequest.BodyPublishers.ofByteArray(body);
    } else {
      publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
    }
    request.method(method, publisher);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(
          response.statusCode(), new LinkedHashMap<>(response.headers().map()), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A password every test user gets. */
  public static final String PASSWORD = "correct-horse-battery";

  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE =
      new java.util.concurrent.atomic.AtomicInteger();

  /** A name no other test in this context uses. */
  protected static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
  }

  protected static Auth as(String username) {
    return Auth.basic(username, PASSWORD);
  }

  /** Creates an organization as the platform admin; returns its id. */
  protected String createOrganization(String name) {
    Response response = post("/api/v1/organizations", admin(), body("name", name));
    expect(response, 201);
    return response.json().path("id").asText();
  }

  /** Creates a user in an organization as the platform admin; returns the user name. */
  protected String createUser(String organizationId, String username, String role) {
    Response response =
        post(
            "/api/v1/users",
            admin(),
            body(
                "username", username,
                "password", PASSWORD,
                "email", username + "@example.com",
                "organization", organizationId,
                "role", role));
    expect(response, 201);
    return username;
  }

  /** Creates a team as the platform admin; returns its id. */
  protected String createTeam(String organizationId, String slug) {
    Response response =
        post(
            "/api/v1/organizations/" + organizationId + "/teams",
            admin(),
            body("name", "Team " + slug, "slug", slug));
    expect(response, 201);
    return response.json().path("id").asText();
  }

  protected void putMember(String teamId, String username, String role, boolean approver) {
    Response response =
        put(
            "/api/v1/teams/" + teamId + "/members/" + username,
            admin(),
            body("role", role, "approver", approver));
    if (response.status() != 200 && response.status() != 201) {
      throw new AssertionError("PUT member: " + response);
    }
  }

  /** A team made through the API, with an owner and one application. */
  public record TeamWithApplication(
      String organization, String team, String owner, String application) {
    /** The body of {@code POST /api/v1/instances} for an instance of this team. */
    public Map<String, Object> instanceRequest(String name) {
      return body("team", team, "application", application, "name", name);
    }
  }

  protected TeamWithApplication teamWithApplication() {
    String organization = createOrganization(unique("Org"));
    String team = createTeam(organization, unique("team"));
    String owner = createUser(organization, unique("owner"), "member");
    putMember(team, owner, "owner", false);
    String application =
        expect(
                post("/api/v1/teams/" + team + "/applications", as(owner), body("name", "Line 1")),
                201)
            .json()
            .path("id")
            .asText();
    return new TeamWithApplication(organization, team, owner, application);
  }

  /** {@code POST .../stages/<first stage>/promote} of the pipeline (as the API answered it). */
  protected Response promoteFirstStage(JsonNode pipeline, Auth caller, Object request) {
    return post(
        "/api/v1/pipelines/"
            + pipeline.path("id").asText()
            + "/stages/"
            + pipeline.path("stages").path(0).path("id").asText()
            + "/promote",
        caller,
        request);
  }

  /** A team API token with this role, valid for a day, made by the owner; the token itself. */
  protected String createApiToken(String team, String owner, String role) {
    return expect(
            post(
                "/api/v1/teams/" + team + "/tokens",
                as(owner),
                body(
                    "name",
                    "ci",
                    "role",
                    role,
                    "expiresAt",
                    Instant.now().plus(1, ChronoUnit.DAYS).toString())),
            201)
        .json()
        .path("token")
        .asText();
  }

  /** A device of the application, registered by the team's owner; its id. */
  protected String registerDevice(String team, String owner, String application, String name) {
    return expect(
            post(
                "/api/v1/teams/" + team + "/devices",
                as(owner),
                body("name", name, "type", "gateway", "application", application)),
            201)
        .json()
        .path("device")
        .path("id")
        .asText();
  }

  /** A device group of the application with these devices, made by the team's owner; its id. */
  protected String deviceGroup(
      String owner, String application, String name, List<String> deviceIds) {
    return expect(
            post(
                "/api/v1/applications/" + application + "/device-groups",
                as(owner),
                body("name", name, "deviceIds", deviceIds, "env", List.of())),
            201)
        .json()
        .path("id")
        .asText();
  }

  protected static Response expect(Response response, int status) {
    if (response.status() != status) {
      throw new AssertionError("expected " + status + " but got " + response);
    }
    return response;
  }

  protected int count(String sql) {
    return jdbc.sql(sql).query(Integer.class).single();
  }

  protected static Map<String, Object> body(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
