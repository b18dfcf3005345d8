package io.flowgate.connectors.nodered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A client of one Node-RED instance's Admin HTTP API (flows, settings, login).
 *
 * <p>Instances without {@code adminAuth} need no token. With it, {@link #login} gets a token and
 * {@link #withToken} returns a client that sends it on every call. Copies made by {@code withToken}
 * share one connection pool; {@link #close()} the one you created.
 */
public final class NodeRedAdminClient implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API_VERSION_HEADER = "Node-RED-API-Version";
  private static final String DEPLOYMENT_TYPE_HEADER = "Node-RED-Deployment-Type";
  // The client id Node-RED's own admin tooling uses; adminAuth accepts it for password grants.
  private static final String CLIENT_ID = "node-red-admin";
  private static final int SUMMARY_LENGTH = 200;
  private static final String FULL_SCOPE = "*";

  private final URI baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final String bearerToken;

  /**
   * @param baseUrl the instance's admin root, e.g. {@code http://127.0.0.1:1880/}
   * @param timeout connect timeout and answer timeout of each call
   */
  public NodeRedAdminClient(URI baseUrl, Duration timeout) {
    this(
        withTrailingSlash(Objects.requireNonNull(baseUrl, "baseUrl")),
        Objects.requireNonNull(timeout, "timeout"),
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build(),
        null);
  }

  private NodeRedAdminClient(URI baseUrl, Duration timeout, HttpClient http, String bearerToken) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.http = http;
    this.bearerToken = bearerToken;
  }

  private static URI withTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? uri : URI.create(s + "/");
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** A client for the same instance that authenticates every call with this token. */
  public NodeRedAdminClient withToken(AdminToken token) {
    return new NodeRedAdminClient(baseUrl, timeout, http, token.accessToken());
  }

  /**
   * Gets an Admin API token with a user's password (OAuth2 password grant, as {@code
   * node-red-admin} does).
   *
   * @return the token, or empty when the instance has no {@code adminAuth} (no token needed)
   * @throws NodeRedApiException 401/403 when Node-RED refuses the credentials
   */
  public Optional<AdminToken> login(String username, String password) {
    return login(username, password, FULL_SCOPE);
  }

  /**
   * Like {@link #login(String, String)} with a narrower scope (e.g. {@code read}). Node-RED refuses
   * a scope wider than the user's permissions, so a read-only user must ask for {@code read}.
   */
  public Optional<AdminToken> login(String username, String password, String scope) {
    JsonNode scheme = send("GET /auth/login", get("auth/login"), 200);
    if (!"credentials".equals(scheme.path("type").asText())) {
      return Optional.empty();
    }
    String form =
        form(
            Map.of(
                "client_id", CLIENT_ID,
                "grant_type", "password",
                "scope", scope,
                "username", username,
                "password", password));
    HttpRequest request =
        request("auth/token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    Instant requestedAt = Instant.now();
    JsonNode token = send("POST /auth/token", request, 200);
    String accessToken = token.path("access_token").asText(null);
    if (accessToken == null || accessToken.isEmpty()) {
      throw new NodeRedApiException(
          "Node-RED POST /auth/token answered without an access token", 200, "");
    }
    long expiresIn = token.path("expires_in").asLong(0);
    return Optional.of(
        new AdminToken(
            accessToken,
            expiresIn > 0 ? requestedAt.plusSeconds(expiresIn) : null,
            token.path("token_type").asText("Bearer")));
  }

  /** The instance's flows and their revision (Admin API v2). */
  public FlowsState getFlows() {
    JsonNode body =
        send("GET /flows", request("flows").header(API_VERSION_HEADER, "v2").GET().build(), 200);
    List<JsonNode> flows = new ArrayList<>();
    body.path("flows").forEach(flows::add);
    return new FlowsState(body.path("rev").asText(null), flows);
  }

  /**
   * Deploys flows.
   *
   * @param rev the revision the flows were based on; Node-RED refuses the deploy with {@link
   *     FlowsConflictException} when its flows changed since. Null deploys without that check.
   * @return the new revision
   */
  public String setFlows(List<JsonNode> flows, String rev, DeploymentType type) {
    Objects.requireNonNull(type, "type");
    ObjectNode body = JSON.createObjectNode();
    if (type != DeploymentType.RELOAD) {
      ArrayNode array = body.putArray("flows");
      flows.forEach(array::add);
    }
    if (rev != null) {
      body.put("rev", rev);
    }
    HttpRequest request =
        request("flows")
            .header(API_VERSION_HEADER, "v2")
            .header(DEPLOYMENT_TYPE_HEADER, type.header())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(write(body)))
            .build();
    HttpResponse<String> response = exchange("POST /flows", request);
    if (response.statusCode() == 409) {
      throw new FlowsConflictException(rev, summarize(response.body()));
    }
    JsonNode answer = parse("POST /flows", check("POST /flows", response, 200));
    String newRev = answer.path("rev").asText(null);
    if (newRev == null) {
      throw new NodeRedApiException(
          "Node-RED POST /flows answered without a revision", 200, summarize(response.body()));
    }
    return newRev;
  }

  /** The runtime settings the editor sees (GET /settings): version, httpNodeRoot, ... */
  public JsonNode settings() {
    return send("GET /settings", get("settings"), 200);
  }

  @Override
  public void close() {
    http.close();
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(baseUrl.resolve(path))
            .timeout(timeout)
            .header("Accept", "application/json");
    if (bearerToken != null) {
      builder.header("Authorization", "Bearer " + bearerToken);
    }
    return builder;
  }

  private JsonNode send(String call, HttpRequest request, int expectedStatus) {
    return parse(call, check(call, exchange(call, request), expectedStatus));
  }

  private HttpResponse<String> exchange(String call, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new NodeRedUnreachableException(
          "Node-RED at "
              + baseUrl
              + " did not answer "
              + call
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NodeRedApiException("Interrupted during Node-RED " + call, e);
    }
  }

  private String check(String call, HttpResponse<String> response, int expectedStatus) {
    if (response.statusCode() != expectedStatus) {
      String summary = summarize(response.body());
      throw new NodeRedApiException(
          "Node-RED at "
              + baseUrl
              + " answered "
              + call
              + " with "
              + response.statusCode()
              + (summary.isEmpty() ? "" : ": " + summary),
          response.statusCode(),
          summary);
    }
    return response.body();
  }

  private JsonNode parse(String call, String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new NodeRedApiException(
          "Node-RED " + call + " answered something that is not JSON", 200, summarize(body));
    }
  }

  /** Node-RED's errors are {@code {code, message}} (or OAuth's {@code {error, ...}}). */
  static String summarize(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String summary;
    try {
      JsonNode json = JSON.readTree(body);
      if (json.hasNonNull("code") || json.hasNonNull("message")) {
        summary = (json.path("code").asText("") + " " + json.path("message").asText("")).strip();
      } else if (json.hasNonNull("error")) {
        summary =
            (json.path("error").asText("") + " " + json.path("error_description").asText(""))
                .strip();
      } else {
        summary = body.strip();
      }
    } catch (JsonProcessingException e) {
      summary = body.strip();
    }
    summary = summary.replaceAll("\\s+", " ");
    return summary.length() > SUMMARY_LENGTH ? summary.substring(0, SUMMARY_LENGTH) + "…" : summary;
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Flows cannot be written as JSON", e);
    }
  }

  @Override
  public String toString() {
    return "NodeRedAdminClient[" + baseUrl + (bearerToken == null ? "" : ", with token") + "]";
  }
}
