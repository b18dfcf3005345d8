package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.snapshot.CanonicalJson;
import io.flowgate.engine.snapshot.SnapshotContent;
import io.flowgate.engine.testing.ApiTestSupport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A team with an owner and an application, devices registered through the API, and snapshots made
 * without Docker: an instance row (jobs do not run in this context) and an imported export file.
 */
public abstract class DeviceTestSupport extends ApiTestSupport {

  static final String EXPORT_SECRET = "export-secret-of-the-device-tests";
  static final String PASSWORD_OF_THE_PLANT = "plant-password-in-a-credential";

  protected String organization;
  protected String team;
  protected String owner;
  protected String application;

  @Autowired private DeviceService deviceService;
  @Autowired private SecretBox secretBox;

  @BeforeEach
  protected void aTeamWithAnApplication() {
    TeamWithApplication made = teamWithApplication();
    organization = made.organization();
    team = made.team();
    owner = made.owner();
    application = made.application();
  }

  /** Registers a device of the application as the owner; the whole answer. */
  protected JsonNode register(String name) {
    return register(name, application);
  }

  protected JsonNode register(String name, String applicationId) {
    return expect(
            post(
                "/api/v1/teams/" + team + "/devices",
                as(owner),
                body("name", name, "type", "gateway", "application", applicationId)),
            201)
        .json();
  }

  /**
   * {@code n} devices of the application made in SQL (registering a thousand through the API would
   * take a minute of password hashing): each with a token derived from its id and the same
   * credential secret, sealed as registration seals it, and its settings hash computed.
   */
  protected List<DeviceSimulator.Credentials> insertFleet(int n, String credentialSecret) {
    String seed = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(4));
    jdbc.sql(
            "insert into flowgate.token (id, kind, name, hash, organization_id, team_id,"
                + " subject_id, created_at, created_by)"
                + " select substr(md5(:seed || 't' || g), 1, 16), 'device', 'device ' || g,"
                + " encode(sha256(convert_to("
                + FLEET_TOKEN_SQL
                + ", 'UTF8')), 'hex'),"
                + " :org, :team, substr(md5(:seed || 'd' || g), 1, 16), now(), 'test'"
                + " from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("n", n)
        .update();
    jdbc.sql(
            "insert into flowgate.device (id, organization_id, team_id, application_id, name,"
                + " type, token_id, credential_secret, settings_hash, live_changed_at, created_at,"
                + " created_by) select substr(md5(:seed || 'd' || g), 1, 16), :org, :team, :app,"
                + " 'sim-' || :seed || '-' || lpad(g::text, 5, '0'), 'sim',"
                + " substr(md5(:seed || 't' || g), 1, 16), :secret, repeat('0', 64), now(), now(),"
                + " 'test' from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("app", application)
        .param("secret", secretBox.encrypt(credentialSecret))
        .param("n", n)
        .update();
    List<String> ids =
        jdbc.sql("select id from flowgate.device where team_id = ? and name like ? order by name")
            .param(team)
            .param("sim-" + seed + "-%")
            .query(String.class)
            .list();
    deviceService.recomputeSettings(ids);
    return ids.stream()
        .map(id -> new DeviceSimulator.Credentials(id, fleetToken(id), credentialSecret))
        .toList();
  }

  /** The token {@link #insertFleet} gives a device: fgd_ and 43 characters of its id's md5s. */
  private static final String FLEET_TOKEN_SQL =
      "'fgd_' || substr(md5(substr(md5(:seed || 'd' || g), 1, 16))"
          + " || md5(substr(md5(:seed || 'd' || g), 1, 16) || 'x'), 1, 43)";

  private static String fleetToken(String deviceId) {
    return "fgd_" + (md5(deviceId) + md5(deviceId + "x")).substring(0, 43);
  }

  private static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A rollout request without a gate: successThreshold 95, errorThreshold 5, minFinished 20 (what a
   * careful operator would ask for), the given waves, wave timeout and wait between waves.
   */
  protected static Map<String, Object> rolloutRequest(
      String snapshot, List<Integer> waves, String waveTimeout, String waitBetweenWaves) {
    return body(
        "snapshotId",
        snapshot,
        "waves",
        waves,
        "successThreshold",
        95,
        "errorThreshold",
        5,
        "minFinished",
        20,
        "waveTimeout",
        waveTimeout,
        "waitBetweenWaves",
        waitBetweenWaves,
        "manualGate",
        false);
  }

  /** A device group of the application with these devices and no env, made as the owner; its id. */
  protected String group(String name, List<String> deviceIds) {
    return deviceGroup(owner, application, name, deviceIds);
  }

  protected static String id(JsonNode registration) {
    return registration.path("device").path("id").asText();
  }

  protected static String token(JsonNode registration) {
    return registration.path("credentials").path("token").asText();
  }

  protected static DeviceSimulator.Credentials credentials(JsonNode registration) {
    return new DeviceSimulator.Credentials(
        id(registration),
        token(registration),
        registration.path("credentials").path("credentialSecret").asText());
  }

  protected URI forgeUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  protected Response heartbeat(String deviceId, String token, Object body) {
    return post("/api/v1/devices/" + deviceId + "/live/state", Auth.bearer(token), body);
  }

  protected static Map<String, Object> state(String snapshot, String settings, String state) {
    Map<String, Object> body =
        body(
            "ownerType",
            "application",
            "project",
            null,
            "application",
            null,
            "snapshot",
            snapshot,
            "settings",
            settings,
            "state",
            state,
            "mode",
            "autonomous",
            "targetState",
            "running",
            "agentVersion",
            "4.2.1",
            "nodeRedVersion",
            "4.1.8",
            "nodejsVersion",
            "v20.20.2",
            "licensed",
            null);
    body.put("health", body("uptime", 12, "snapshotRestartCount", 0));
    return body;
  }

  protected String newInstance(String name) {
    return expect(
            post(
                "/api/v1/instances",
                as(owner),
                body("team", team, "application", application, "name", name)),
            202)
        .json()
        .path("id")
        .asText();
  }

  /**
   * A snapshot of the application: an http-in flow whose function node answers with env {@code
   * LINE} and a node with a credential, env {@code LINE} = {@code line}, and modules with node-red.
   */
  protected String snapshot(String name, String line) {
    String instance = newInstance(unique("inst"));
    ArrayNode flows = JSON.createArrayNode();
    flows.addObject().put("id", "tab.device").put("type", "tab").put("label", "Device");
    flows
        .addObject()
        .put("id", "in")
        .put("type", "http in")
        .put("z", "tab.device")
        .put("url", "/line")
        .put("method", "get")
        .set("wires", JSON.createArrayNode().add(JSON.createArrayNode().add("fn")));
    flows
        .addObject()
        .put("id", "fn")
        .put("type", "function")
        .put("z", "tab.device")
        .put("func", "msg.payload = 'line ' + env.get('LINE'); return msg;")
        .set("wires", JSON.createArrayNode().add(JSON.createArrayNode().add("res")));
    flows
        .addObject()
        .put("id", "res")
        .put("type", "http response")
        .put("z", "tab.device")
        .set("wires", JSON.createArrayNode());
    flows
        .addObject()
        .put("id", "req")
        .put("type", "http request")
        .put("z", "tab.device")
        .put("authType", "basic")
        .set("wires", JSON.createArrayNode().add(JSON.createArrayNode()));
    ObjectNode credentials = JSON.createObjectNode();
    credentials.putObject("req").put("user", "plant").put("password", PASSWORD_OF_THE_PLANT);
    TreeMap<String, String> modules = new TreeMap<>();
    modules.put("node-red", "4.1.8");
    SnapshotContent.Plain plain =
        new SnapshotContent.Plain(
            flows,
            credentials,
            JSON.createObjectNode(),
            List.of(
                new SnapshotContent.EnvVar("LINE", line, false),
                new SnapshotContent.EnvVar("ERP_TOKEN", "erp-" + line, true)),
            modules);
    ObjectNode content = plain.seal(EXPORT_SECRET).toJson();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("format", "flowgate.snapshot-export/1");
    doc.put("name", name);
    doc.put("description", "for the devices");
    doc.put("secretCheck", secretCheck(EXPORT_SECRET));
    doc.put("hash", CanonicalJson.sha256(CanonicalJson.bytes(content)));
    doc.set("content", content);
    return expect(
            post(
                "/api/v1/instances/" + instance + "/snapshots/import",
                as(owner),
                body("secret", EXPORT_SECRET, "snapshot", doc)),
            201)
        .json()
        .path("id")
        .asText();
  }

  private static String secretCheck(String secret) {
    try {
      byte[] key =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of()
          .formatHex(mac.doFinal("flowgate.snapshot-export/1".getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  protected JsonNode device(String id) {
    return expect(get("/api/v1/devices/" + id, as(owner)), 200).json();
  }

  protected JsonNode liveSettings(String id, String token) {
    return expect(get("/api/v1/devices/" + id + "/live/settings", Auth.bearer(token)), 200).json();
  }

  protected static Map<String, Object> env(String... namesAndValues) {
    List<Map<String, Object>> vars = new java.util.ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      vars.add(body("name", namesAndValues[i], "value", namesAndValues[i + 1]));
    }
    return body("env", vars);
  }

  protected JsonNode auditDetails(String entityId, String action) {
    String details =
        jdbc.sql(
                "select details from flowgate.audit_log where entity_id = ? and action = ?"
                    + " order by seq desc limit 1")
            .params(entityId, action)
            .query(String.class)
            .single();
    try {
      return JSON.readTree(details);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
