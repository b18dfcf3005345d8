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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A client of one Node-RED instance's Admin HTTP API (flows, installed nodes, settings, login).
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

  // Node-RED runs npm through a shell with the module name and version in its command line, and
  // checks neither strictly: only npm-legal names and plain version specs leave this client.
  private static final Pattern MODULE_NAME =
      Pattern.compile("(@[a-zA-Z0-9~-][a-zA-Z0-9._~-]*/)?[a-zA-Z0-9~-][a-zA-Z0-9._~-]*");
  private static final int MAX_MODULE_NAME_LENGTH = 214;
  private static final Pattern VERSION = Pattern.compile("[~^]?[a-zA-Z0-9*][a-zA-Z0-9.+*-]{0,99}");

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

  /**
   * The npm modules whose nodes the instance has loaded, {@code node-red} (the core nodes) among
   * them, in Node-RED's order (GET /nodes). Node-RED lists node sets; those of one module are
   * joined into one entry.
   */
  public List<NodeModule> modules() {
    // Exactly this Accept header, which request() sends: for any other (even one that includes
    // application/json) Node-RED answers GET /nodes with the editor's HTML of every node.
    JsonNode body = send("GET /nodes", get("nodes"), 200);
    if (!body.isArray()) {
      throw new NodeRedApiException(
          "Node-RED GET /nodes answered something that is not a list of node sets",
          200,
          summarize(body.toString()));
    }
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, Set<String>> types = new LinkedHashMap<>();
    for (JsonNode set : body) {
      String module = set.path("module").asText(null);
      if (module == null) {
        continue; // not a node set Node-RED reports for a module
      }
      if (!versions.containsKey(module) || versions.get(module) == null) {
        versions.put(module, set.path("version").asText(null));
      }
      Set<String> moduleTypes = types.computeIfAbsent(module, key -> new LinkedHashSet<>());
      set.path("types").forEach(type -> moduleTypes.add(type.asText()));
    }
    List<NodeModule> modules = new ArrayList<>(versions.size());
    versions.forEach(
        (module, version) ->
            modules.add(new NodeModule(module, version, List.copyOf(types.get(module)))));
    return List.copyOf(modules);
  }

  /**
   * Installs an npm module of nodes into the instance (POST /nodes), as the editor's palette
   * manager does: Node-RED runs {@code npm install} in its userDir and loads the nodes without a
   * restart. Installing a module that is already loaded in that version does nothing, so a retried
   * step succeeds; another version replaces it, and Node-RED loads that one only at its next start.
   *
   * @param version an npm version or tag ({@code 0.4.1}, {@code ^1.2.0}, {@code latest}); null for
   *     the latest
   * @param timeout how long to wait for the answer: npm may take a minute or more
   * @throws IllegalArgumentException for a name or version npm would not accept
   * @throws NodeRedApiException 404 when npm does not know the module or version; 400 when Node-RED
   *     refuses it or npm fails (the summary says why)
   * @throws NodeRedUnreachableException when Node-RED did not answer in time; npm may still be
   *     running, and a retry after it finished succeeds at once
   */
  public void installModule(String module, String version, Duration timeout) {
    requireModuleName(module);
    if (version != null && !VERSION.matcher(version).matches()) {
      throw new IllegalArgumentException(
          "Not an npm version or tag Flowgate installs: '" + version + "'");
    }
    Objects.requireNonNull(timeout, "timeout");
    ObjectNode body = JSON.createObjectNode().put("module", module);
    if (version != null) {
      body.put("version", version);
    }
    String call = "POST /nodes (" + module + (version == null ? "" : "@" + version) + ")";
    HttpRequest request =
        request("nodes")
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(write(body)))
            .build();
    HttpResponse<String> response = exchange(call, request);
    if (response.statusCode() == 400 && hasCode(response.body(), "module_already_loaded")) {
      return; // Node-RED says so only when this version (or, without one, any) is loaded
    }
    check(call, response, 200);
  }

  /**
   * Removes an npm module of nodes from the instance (DELETE /nodes/{module}): Node-RED unloads its
   * nodes and runs {@code npm remove}. A module that is not there is fine (a retried step).
   *
   * @throws NodeRedApiException 400 when Node-RED refuses, e.g. while deployed flows use its nodes
   *     or for the core module
   */
  public void removeModule(String module) {
    requireModuleName(module);
    String call = "DELETE /nodes/" + module;
    HttpResponse<String> response = exchange(call, request("nodes/" + module).DELETE().build());
    if (response.statusCode() == 404 && hasCode(response.body(), "not_found")) {
      return;
    }
    check(call, response, 204);
  }

  private static void requireModuleName(String module) {
    Objects.requireNonNull(module, "module");
    if (module.length() > MAX_MODULE_NAME_LENGTH || !MODULE_NAME.matcher(module).matches()) {
      throw new IllegalArgumentException("Not an npm package name: '" + module + "'");
    }
  }

  private static boolean hasCode(String body, String code) {
    try {
      return code.equals(JSON.readTree(body).path("code").asText());
    } catch (JsonProcessingException e) {
      return false;
    }
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
      throw new IllegalArgumentException("A request body cannot be written as JSON", e);
    }
  }

  @Override
  public String toString() {
    return "NodeRedAdminClient[" + baseUrl + (bearerToken == null ? "" : ", with token") + "]";
  }
}
