package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.platform.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The device API for people and API tokens: registration with credentials shown once, device token
 * confinement, provisioning tokens, groups and settings with their hashes, pagination and who may
 * do what.
 */
class DeviceApiTest extends DeviceTestSupport {

  @Test
  void registrationShowsTheCredentialsOnceAndKeepsOnlyAHashAndASealedSecret() throws Exception {
    Response response =
        post(
            "/api/v1/teams/" + team + "/devices",
            as(owner),
            body("name", "Press 7", "type", "Revolution Pi", "application", application));
    JsonNode registered = expect(response, 201).json();
    JsonNode device = registered.path("device");
    String id = device.path("id").asText();
    assertThat(response.header("Location")).isEqualTo("/api/v1/devices/" + id);
    assertThat(device.path("name").asText()).isEqualTo("Press 7");
    assertThat(device.path("type").asText()).isEqualTo("Revolution Pi");
    assertThat(device.path("teamId").asText()).isEqualTo(team);
    assertThat(device.path("organizationId").asText()).isEqualTo(organization);
    assertThat(device.path("applicationId").asText()).isEqualTo(application);
    assertThat(device.path("state").isNull()).isTrue();
    assertThat(device.path("lastSeenAt").isNull()).isTrue();
    assertThat(device.path("targetSnapshotId").isNull()).isTrue();
    assertThat(device.path("settingsHash").asText()).matches("[0-9a-f]{64}");
    assertThat(device.path("createdBy").asText()).isEqualTo(owner);

    String token = token(registered);
    String secret = registered.path("credentials").path("credentialSecret").asText();
    assertThat(token).matches("fgd_[A-Za-z0-9_-]{43}");
    assertThat(secret).matches("[0-9a-f]{64}");
    assertThat(registered.path("deviceYml").asText())
        .isEqualTo(
            "deviceId: \""
                + id
                + "\"\ntoken: \""
                + token
                + "\"\ncredentialSecret: \""
                + secret
                + "\"\nforgeURL: \"http://localhost:"
                + port
                + "\"\n");

    // never again: not in the device, not in the list, not in the audit log, not in clear at rest
    String shown =
        get("/api/v1/devices/" + id, as(owner)).body()
            + get("/api/v1/teams/" + team + "/devices", as(owner)).body()
            + get("/api/v1/devices/" + id + "/settings", as(owner)).body();
    assertThat(shown).doesNotContain(token).doesNotContain(secret).contains(id);
    String audited = auditDetails(id, "device.registered").toString();
    assertThat(audited).doesNotContain(token).doesNotContain(secret).contains("Press 7");
    String tokenHash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
    assertThat(
            count(
                "select count(*) from flowgate.token t join flowgate.device d on d.token_id = t.id"
                    + " where t.kind = 'device' and t.subject_id = '"
                    + id
                    + "' and t.hash = '"
                    + tokenHash
                    + "'"))
        .isOne();
    String sealed =
        jdbc.sql("select credential_secret from flowgate.device where id = ?")
            .param(id)
            .query(String.class)
            .single();
    assertThat(sealed).startsWith("v1:").doesNotContain(secret);
    String everything =
        jdbc.sql("select d::text from flowgate.device d where id = ?")
            .param(id)
            .query(String.class)
            .single();
    assertThat(everything).doesNotContain(secret).doesNotContain(token);

    // a device without an application, and input that is refused
    JsonNode loose =
        expect(
                post(
                    "/api/v1/teams/" + team + "/devices",
                    as(owner),
                    body("name", "spare", "type", "pi")),
                201)
            .json();
    assertThat(loose.path("device").path("applicationId").isNull()).isTrue();
    assertThat(
            post("/api/v1/teams/" + team + "/devices", as(owner), body("name", " ", "type", "x"))
                .status())
        .isEqualTo(400);
    String otherTeam = createTeam(organization, unique("other"));
    String foreignApplication =
        expect(
                post(
                    "/api/v1/teams/" + otherTeam + "/applications",
                    admin(),
                    body("name", "Elsewhere")),
                201)
            .json()
            .path("id")
            .asText();
    Response foreign =
        post(
            "/api/v1/teams/" + team + "/devices",
            as(owner),
            body("name", "x", "type", "x", "application", foreignApplication));
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(foreign.json().path("detail").asText()).contains("application");
  }

  @Test
  void aDeviceTokenReachesItsOwnDeviceAndNothingElse() {
    JsonNode a = register("a");
    JsonNode b = register("b");
    String tokenA = token(a);
    Map<String, Object> idle = state(null, null, "stopped");

    assertThat(heartbeat(id(a), tokenA, idle).status()).isEqualTo(200);
    assertThat(get("/api/v1/devices/" + id(a) + "/live/state", Auth.bearer(tokenA)).status())
        .isEqualTo(200);
    // another device's API: 401; a device that does not exist: 404
    for (String path : List.of("/live/state", "/live/snapshot", "/live/settings")) {
      assertThat(get("/api/v1/devices/" + id(b) + path, Auth.bearer(tokenA)).status())
          .as(path)
          .isEqualTo(401);
    }
    assertThat(heartbeat(id(b), tokenA, idle).status()).isEqualTo(401);
    assertThat(
            post("/logging/device/" + id(b) + "/audit", Auth.bearer(tokenA), body("event", "x"))
                .status())
        .isEqualTo(401);
    assertThat(heartbeat(Ids.newId(), tokenA, idle).status()).isEqualTo(404);
    assertThat(heartbeat("not-an-id", tokenA, idle).status()).isEqualTo(404);
    // no token, a malformed one, another kind, a made-up device token
    assertThat(heartbeat(id(a), null, idle).status()).isEqualTo(401);
    assertThat(
            post("/api/v1/devices/" + id(a) + "/live/state", Auth.NONE, idle)
                .header("Content-Type"))
        .startsWith("application/problem+json");
    assertThat(heartbeat(id(a), "garbage", idle).status()).isEqualTo(401);
    assertThat(heartbeat(id(a), "fgd_" + "A".repeat(43), idle).status()).isEqualTo(401);
    assertThat(post("/api/v1/devices/" + id(a) + "/live/state", as(owner), idle).status())
        .isEqualTo(401);
    // the device token on the rest of Flowgate: 403
    assertThat(get("/api/v1/teams/" + team + "/devices", Auth.bearer(tokenA)).status())
        .isEqualTo(403);
    assertThat(get("/api/v1/devices/" + id(a), Auth.bearer(tokenA)).status()).isEqualTo(403);
    assertThat(
            post(
                    "/api/v1/devices",
                    Auth.bearer(tokenA),
                    body("name", "x", "type", "y", "team", team))
                .status())
        .isEqualTo(403);

    // a deleted device's agent gets 404 and its token nothing
    expect(delete("/api/v1/devices/" + id(a), as(owner)), 204);
    assertThat(heartbeat(id(a), tokenA, idle).status()).isEqualTo(404);
    assertThat(get("/api/v1/devices/" + id(a), as(owner)).status()).isEqualTo(404);
    assertThat(auditDetails(id(a), "device.deleted").path("name").asText()).isEqualTo("a");
    assertThat(heartbeat(id(b), token(b), idle).status()).isEqualTo(200);
  }

  @Test
  void provisioningTokensLetAgentsRegisterThemselvesInTheirTeam() {
    String member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    Map<String, Object> request =
        body("name", "line 3 gateways", "application", application, "expiresAt", null);
    assertThat(post("/api/v1/teams/" + team + "/provisioning-tokens", as(member), request).status())
        .isEqualTo(403);
    Response created = post("/api/v1/teams/" + team + "/provisioning-tokens", as(owner), request);
    JsonNode issued = expect(created, 201).json();
    String token = issued.path("token").asText();
    String tokenId = issued.path("provisioningToken").path("id").asText();
    assertThat(token).startsWith("fgp_");
    assertThat(issued.path("provisioningToken").path("applicationId").asText())
        .isEqualTo(application);
    JsonNode listed =
        expect(get("/api/v1/teams/" + team + "/provisioning-tokens", as(owner)), 200).json();
    assertThat(listed).hasSize(1);
    assertThat(listed.toString()).doesNotContain(token).contains(tokenId);
    // API tokens are not listed with them, nor they with API tokens
    assertThat(expect(get("/api/v1/teams/" + team + "/tokens", as(owner)), 200).json()).isEmpty();

    // the agent checks that Flowgate answers with its token, then registers
    assertThat(get("/", Auth.bearer(token)).status()).isEqualTo(204);
    Response provisioned =
        post(
            "/api/v1/devices",
            Auth.bearer(token),
            body("name", "gw-17 (aa:bb:cc)", "type", "Auto Provisioned", "team", team));
    JsonNode device = expect(provisioned, 200).json();
    assertThat(device.path("id").asText()).matches("[0-9a-z]{16}");
    assertThat(device.path("team").asText()).isEqualTo(team);
    assertThat(device.path("application").asText()).isEqualTo(application);
    assertThat(device.path("credentials").path("token").asText()).startsWith("fgd_");
    assertThat(device.path("credentials").path("credentialSecret").asText()).hasSize(64);
    assertThat(device.path("forgeURL").asText()).isEqualTo("http://localhost:" + port);
    String deviceToken = device.path("credentials").path("token").asText();
    assertThat(
            heartbeat(device.path("id").asText(), deviceToken, state(null, null, "stopped"))
                .status())
        .isEqualTo(200);
    assertThat(auditDetails(device.path("id").asText(), "device.registered").path("via").asText())
        .isEqualTo("provisioning-token");

    // its own team only, and nothing else with it
    assertThat(
            post("/api/v1/devices", Auth.bearer(token), body("name", "x", "type", "y", "team", "x"))
                .status())
        .isEqualTo(400);
    assertThat(get("/api/v1/teams/" + team + "/devices", Auth.bearer(token)).status())
        .isEqualTo(403);
    assertThat(
            post("/api/v1/devices", as(owner), body("name", "x", "type", "y", "team", team))
                .status())
        .isEqualTo(403);

    // revoked: no more devices
    expect(delete("/api/v1/teams/" + team + "/provisioning-tokens/" + tokenId, as(owner)), 204);
    assertThat(
            post(
                    "/api/v1/devices",
                    Auth.bearer(token),
                    body("name", "x", "type", "y", "team", team))
                .status())
        .isEqualTo(401);
    assertThat(
            expect(get("/api/v1/teams/" + team + "/provisioning-tokens", as(owner)), 200)
                .json()
                .get(0)
                .path("revokedAt")
                .isNull())
        .isFalse();
  }

  @Test
  void groupEnvGoesIntoItsMembersSettingsAndTheirOwnEnvOverridesIt() {
    JsonNode one = register("one");
    JsonNode two = register("two");
    JsonNode three = register("three");
    String hashOne = device(id(one)).path("settingsHash").asText();
    String hashThree = device(id(three)).path("settingsHash").asText();

    Map<String, Object> request = env("LINE", "1", "SITE", "north");
    request.put("name", "Line 1");
    request.put("deviceIds", List.of(id(one), id(two)));
    Response created =
        post("/api/v1/applications/" + application + "/device-groups", as(owner), request);
    JsonNode group = expect(created, 201).json();
    String groupId = group.path("id").asText();
    assertThat(created.header("Location")).isEqualTo("/api/v1/device-groups/" + groupId);
    assertThat(texts(group.path("deviceIds"))).containsExactlyInAnyOrder(id(one), id(two));
    assertThat(device(id(one)).path("groupId").asText()).isEqualTo(groupId);

    JsonNode settings = liveSettings(id(one), token(one));
    assertThat(settings.path("env").path("LINE").asText()).isEqualTo("1");
    assertThat(settings.path("env").path("SITE").asText()).isEqualTo("north");
    assertThat(settings.path("env").path("FF_DEVICE_ID").asText()).isEqualTo(id(one));
    assertThat(settings.path("env").path("FF_DEVICE_NAME").asText()).isEqualTo("one");
    assertThat(settings.path("env").path("FF_APPLICATION_ID").asText()).isEqualTo(application);
    assertThat(settings.path("hash").asText())
        .isEqualTo(device(id(one)).path("settingsHash").asText())
        .isNotEqualTo(hashOne);
    assertThat(liveSettings(id(three), token(three)).path("env").has("LINE")).isFalse();
    assertThat(device(id(three)).path("settingsHash").asText()).isEqualTo(hashThree);

    // the device's own env wins over the group's
    String twoBefore = device(id(two)).path("settingsHash").asText();
    JsonNode own =
        expect(put("/api/v1/devices/" + id(one) + "/settings", as(owner), env("LINE", "7")), 200)
            .json();
    assertThat(own.path("env").get(0).path("value").asText()).isEqualTo("7");
    settings = liveSettings(id(one), token(one));
    assertThat(settings.path("env").path("LINE").asText()).isEqualTo("7");
    assertThat(settings.path("env").path("SITE").asText()).isEqualTo("north");
    assertThat(device(id(two)).path("settingsHash").asText()).isEqualTo(twoBefore);
    String oneWithOwn = settings.path("hash").asText();

    // a changed group env changes every member's hash
    Map<String, Object> changed = env("LINE", "2");
    changed.put("name", "Line 1");
    changed.put("deviceIds", List.of(id(one), id(two)));
    expect(put("/api/v1/device-groups/" + groupId, as(owner), changed), 200);
    assertThat(liveSettings(id(two), token(two)).path("env").path("LINE").asText()).isEqualTo("2");
    assertThat(device(id(two)).path("settingsHash").asText()).isNotEqualTo(twoBefore);
    settings = liveSettings(id(one), token(one));
    assertThat(settings.path("env").path("LINE").asText()).isEqualTo("7");
    assertThat(settings.path("env").has("SITE")).isFalse();
    assertThat(settings.path("hash").asText()).isNotEqualTo(oneWithOwn);

    // the Node-RED pin is a setting too
    Map<String, Object> pinned = env();
    pinned.put("nodeRedVersion", "4.1.8");
    expect(put("/api/v1/devices/" + id(three) + "/settings", as(owner), pinned), 200);
    assertThat(liveSettings(id(three), token(three)).path("nodeRedVersion").asText())
        .isEqualTo("4.1.8");
    assertThat(device(id(three)).path("settingsHash").asText()).isNotEqualTo(hashThree);

    // membership rules: one group at a time, devices of the application, no FF_ names
    Map<String, Object> second = env();
    second.put("name", "Line 2");
    second.put("deviceIds", List.of(id(two), id(three)));
    Response taken =
        post("/api/v1/applications/" + application + "/device-groups", as(owner), second);
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.json().path("detail").asText()).contains(id(two)).contains("Line 1");
    String otherApplication =
        expect(
                post("/api/v1/teams/" + team + "/applications", as(owner), body("name", "Other")),
                201)
            .json()
            .path("id")
            .asText();
    JsonNode elsewhere = register("elsewhere", otherApplication);
    second.put("deviceIds", List.of(id(elsewhere)));
    assertThat(
            post("/api/v1/applications/" + application + "/device-groups", as(owner), second)
                .status())
        .isEqualTo(400);
    Map<String, Object> platform = env("FF_DEVICE_ID", "mine");
    platform.put("name", "Line 3");
    assertThat(
            post("/api/v1/applications/" + application + "/device-groups", as(owner), platform)
                .status())
        .isEqualTo(400);
    assertThat(
            put("/api/v1/devices/" + id(three) + "/settings", as(owner), env("FF_SNAPSHOT_ID", "x"))
                .status())
        .isEqualTo(400);
    second.put("name", "line 1");
    second.put("deviceIds", List.of());
    assertThat(
            post("/api/v1/applications/" + application + "/device-groups", as(owner), second)
                .status())
        .isEqualTo(409);

    JsonNode listed =
        expect(get("/api/v1/applications/" + application + "/device-groups", as(owner)), 200)
            .json();
    assertThat(listed).hasSize(1);
    assertThat(expect(get("/api/v1/device-groups/" + groupId, as(owner)), 200).json())
        .isEqualTo(listed.get(0));
    assertThat(auditDetails(groupId, "device-group.changed").path("env").toString())
        .isEqualTo("[\"LINE\"]");

    // removing a member takes the group's env from it; deleting the group keeps the devices
    changed.put("deviceIds", List.of(id(one)));
    expect(put("/api/v1/device-groups/" + groupId, as(owner), changed), 200);
    assertThat(liveSettings(id(two), token(two)).path("env").has("LINE")).isFalse();
    assertThat(device(id(two)).path("groupId").isNull()).isTrue();
    expect(delete("/api/v1/device-groups/" + groupId, as(owner)), 204);
    assertThat(device(id(one)).path("groupId").isNull()).isTrue();
    assertThat(liveSettings(id(one), token(one)).path("env").path("LINE").asText()).isEqualTo("7");
    assertThat(get("/api/v1/device-groups/" + groupId, as(owner)).status()).isEqualTo(404);
  }

  @Test
  void aTeamsDevicesComePageByPageInNameOrder() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      String name = String.format("dev-%02d", (i * 7) % 23);
      names.add(name);
      register(name, i % 2 == 0 ? application : null);
    }
    names.sort(null);
    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String url =
          "/api/v1/teams/" + team + "/devices?limit=10" + (after == null ? "" : "&after=" + after);
      JsonNode page = expect(get(url, as(owner)), 200).json();
      page.path("items").forEach(item -> seen.add(item.path("name").asText()));
      after = page.path("next").isNull() ? null : page.path("next").asText();
      pages++;
    } while (after != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(names);
    JsonNode ofApplication =
        expect(
                get(
                    "/api/v1/teams/" + team + "/devices?limit=1000&application=" + application,
                    as(owner)),
                200)
            .json();
    assertThat(ofApplication.path("items")).hasSize(12);
    assertThat(ofApplication.path("next").isNull()).isTrue();
    assertThat(get("/api/v1/teams/" + team + "/devices?limit=0", as(owner)).status())
        .isEqualTo(400);
    assertThat(get("/api/v1/teams/" + team + "/devices?limit=1001", as(owner)).status())
        .isEqualTo(400);
    assertThat(get("/api/v1/teams/" + team + "/devices?after=zzz", as(owner)).status())
        .isEqualTo(400);
  }

  @Test
  void viewersReadMembersChangeOthersDoNotSeeDevices() {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    String member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    String stranger = createUser(organization, unique("stranger"), "member");
    String orgAdmin = createUser(organization, unique("orgadmin"), "admin");
    String outsider = createUser(createOrganization(unique("Other")), unique("outsider"), "admin");
    JsonNode registered = register("seen");
    String id = id(registered);
    Map<String, Object> group = env();
    group.put("name", "G");
    group.put("deviceIds", List.of(id));
    String groupId =
        expect(
                post("/api/v1/applications/" + application + "/device-groups", as(owner), group),
                201)
            .json()
            .path("id")
            .asText();

    for (String reader : List.of(viewer, member, orgAdmin)) {
      assertThat(get("/api/v1/devices/" + id, as(reader)).status()).as(reader).isEqualTo(200);
      assertThat(get("/api/v1/teams/" + team + "/devices", as(reader)).status()).isEqualTo(200);
      assertThat(get("/api/v1/device-groups/" + groupId, as(reader)).status()).isEqualTo(200);
      assertThat(get("/api/v1/devices/" + id + "/settings", as(reader)).status()).isEqualTo(200);
    }
    Map<String, Object> registration = body("name", "x", "type", "y", "application", application);
    assertThat(post("/api/v1/teams/" + team + "/devices", as(viewer), registration).status())
        .isEqualTo(403);
    assertThat(put("/api/v1/devices/" + id + "/settings", as(viewer), env("A", "1")).status())
        .isEqualTo(403);
    assertThat(put("/api/v1/device-groups/" + groupId, as(viewer), group).status()).isEqualTo(403);
    assertThat(delete("/api/v1/devices/" + id, as(viewer)).status()).isEqualTo(403);
    assertThat(get("/api/v1/teams/" + team + "/provisioning-tokens", as(member)).status())
        .isEqualTo(403);
    assertThat(post("/api/v1/teams/" + team + "/devices", as(member), registration).status())
        .isEqualTo(201);
    assertThat(put("/api/v1/devices/" + id + "/settings", as(member), env("A", "1")).status())
        .isEqualTo(200);
    assertThat(get("/api/v1/teams/" + team + "/provisioning-tokens", as(orgAdmin)).status())
        .isEqualTo(200);
    for (String notInTheTeam : List.of(stranger, outsider)) {
      assertThat(get("/api/v1/devices/" + id, as(notInTheTeam)).status()).isEqualTo(404);
      assertThat(get("/api/v1/teams/" + team + "/devices", as(notInTheTeam)).status())
          .isEqualTo(404);
      assertThat(get("/api/v1/device-groups/" + groupId, as(notInTheTeam)).status()).isEqualTo(404);
      assertThat(delete("/api/v1/devices/" + id, as(notInTheTeam)).status()).isEqualTo(404);
      assertThat(
              post("/api/v1/teams/" + team + "/devices", as(notInTheTeam), registration).status())
          .isEqualTo(404);
    }
    // API tokens act with their role; provisioning tokens need a person
    String viewerToken = apiToken("viewer");
    String memberToken = apiToken("member");
    String ownerToken = apiToken("owner");
    assertThat(get("/api/v1/devices/" + id, Auth.bearer(viewerToken)).status()).isEqualTo(200);
    assertThat(
            post("/api/v1/teams/" + team + "/devices", Auth.bearer(viewerToken), registration)
                .status())
        .isEqualTo(403);
    assertThat(
            post("/api/v1/teams/" + team + "/devices", Auth.bearer(memberToken), registration)
                .status())
        .isEqualTo(201);
    assertThat(
            post(
                    "/api/v1/teams/" + team + "/provisioning-tokens",
                    Auth.bearer(ownerToken),
                    body("name", "x"))
                .status())
        .isEqualTo(403);
  }

  private String apiToken(String role) {
    return createApiToken(team, owner, role);
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
    Await.until(
        what, Duration.ofSeconds(20), Duration.ofMillis(100), condition::getAsBoolean, ok -> ok);
  }
}
