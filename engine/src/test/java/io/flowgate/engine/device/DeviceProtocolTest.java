package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.device.sim.NodeRedCredentialFormat;
import io.flowgate.engine.device.sim.VirtualAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The device agent protocol against virtual agents ({@link DeviceSimulator}): 200/409, snapshots
 * re-encrypted for each device's secret, settings hashes, failing devices, revoked tokens, and the
 * bulk target and status calls rollouts use.
 */
class DeviceProtocolTest extends DeviceTestSupport {

  private static final Duration SETTLE = Duration.ofSeconds(30);

  @Autowired DeviceService devices;
  @Autowired DeviceGroupService groups;

  @Test
  void heartbeatsAre200WhenTheDeviceRunsItsTargetsAnd409WithTheTargetsOtherwise() {
    JsonNode registered = register("manual");
    String id = id(registered);
    String token = token(registered);
    String settings = device(id).path("settingsHash").asText();

    // no target: running nothing is right, running something is not
    assertThat(heartbeat(id, token, state(null, null, "stopped")).body()).isEqualTo("{}");
    assertThat(
            expect(get("/api/v1/devices/" + id + "/live/snapshot", Auth.bearer(token)), 200).body())
        .isEqualTo("{}");
    JsonNode stop = expect(heartbeat(id, token, state("old", settings, "running")), 409).json();
    assertThat(stop.path("error").asText()).isEqualTo("incorrect-snapshot");
    assertThat(stop.has("snapshot")).isTrue();
    assertThat(stop.path("snapshot").isNull()).isTrue();

    String snapshot = snapshot("v1", "3");
    expect(put("/api/v1/devices/" + id + "/target", as(owner), body("snapshotId", snapshot)), 200);
    JsonNode conflict = expect(heartbeat(id, token, state(null, null, "stopped")), 409).json();
    assertThat(conflict.path("error").asText()).isEqualTo("incorrect-snapshot");
    assertThat(conflict.path("snapshot").asText()).isEqualTo(snapshot);
    assertThat(conflict.path("settings").asText()).isEqualTo(settings);
    assertThat(conflict.path("application").asText()).isEqualTo(application);
    assertThat(conflict.path("ownerType").asText()).isEqualTo("application");
    assertThat(conflict.has("project")).isTrue();
    assertThat(conflict.path("project").isNull()).isTrue();
    assertThat(
            expect(heartbeat(id, token, state(snapshot, "stale", "running")), 409)
                .json()
                .path("error")
                .asText())
        .isEqualTo("incorrect-settings");
    // the application the agent names is not insisted on: a fresh agent keeps it null
    assertThat(heartbeat(id, token, state(snapshot, settings, "running")).status()).isEqualTo(200);

    JsonNode live =
        expect(get("/api/v1/devices/" + id + "/live/state", Auth.bearer(token)), 200).json();
    assertThat(live.path("snapshot").asText()).isEqualTo(snapshot);
    assertThat(live.path("settings").asText()).isEqualTo(settings);
    assertThat(live.path("mode").asText()).isEqualTo("autonomous");

    // the report reaches the device at once on this node, and its row within a flush
    JsonNode seen = device(id);
    assertThat(seen.path("state").asText()).isEqualTo("running");
    assertThat(seen.path("snapshotId").asText()).isEqualTo(snapshot);
    assertThat(seen.path("agentVersion").asText()).isEqualTo("4.2.1");
    assertThat(seen.path("nodeRedVersion").asText()).isEqualTo("4.1.8");
    assertThat(seen.path("nodejsVersion").asText()).isEqualTo("v20.20.2");
    Await.until(
        "the heartbeat in the device's row",
        SETTLE,
        Duration.ofMillis(100),
        () ->
            jdbc.sql("select coalesce(reported_snapshot_id, '') from flowgate.device where id = ?")
                .param(id)
                .query(String.class)
                .single(),
        snapshot::equals);

    // a snapshot a device is to run stays
    assertThat(delete("/api/v1/snapshots/" + snapshot, as(owner)).status()).isEqualTo(409);
    // agents' audit events land in the audit log
    assertThat(
            post(
                    "/logging/device/" + id + "/audit",
                    Auth.bearer(token),
                    body("event", "flows.set", "info", body("type", "full")))
                .status())
        .isEqualTo(200);
    JsonNode audited = auditDetails(id, "device.agent.flows.set");
    assertThat(audited.path("info").path("type").asText()).isEqualTo("full");
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where actor = 'device:"
                    + id
                    + "' and action = 'device.agent.flows.set'"))
        .isOne();
  }

  @Test
  void virtualAgentsFetchTheirTargetDecryptItWithTheirOwnSecretAndSettle() {
    List<JsonNode> registrations = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      registrations.add(register("sim-" + i));
    }
    List<String> ids = registrations.stream().map(DeviceTestSupport::id).toList();
    Map<String, Object> group = env("LINE", "group-line", "SITE", "north");
    group.put("name", "Fleet");
    group.put("deviceIds", ids);
    String groupId =
        expect(
                post("/api/v1/applications/" + application + "/device-groups", as(owner), group),
                201)
            .json()
            .path("id")
            .asText();
    assertThat(groups.members(groupId)).containsExactlyElementsOf(ids.stream().sorted().toList());
    String snapshot = snapshot("fleet v1", "9");

    try (DeviceSimulator fleet =
        new DeviceSimulator(
                DeviceSimulator.Settings.of(forgeUrl()),
                registrations.stream().map(DeviceTestSupport::credentials).toList())
            .start()) {
      // idle: no target, every heartbeat in order
      Await.until(
          "first heartbeats",
          SETTLE,
          Duration.ofMillis(100),
          () -> fleet.agents().stream().allMatch(a -> a.heartbeats() >= 2),
          ok -> ok);
      assertThat(fleet.agents()).allMatch(a -> a.conflicts() == 0 && a.fatal() == null);

      assertThat(devices.setTarget(groups.members(groupId), snapshot)).isEqualTo(4);
      awaitAll(
          fleet,
          "the fleet on the snapshot",
          a -> snapshot.equals(a.snapshot()) && "running".equals(a.reportedState()));
      awaitStable(ids, snapshot, 2);

      for (VirtualAgent agent : fleet.agents()) {
        JsonNode got = agent.lastSnapshot();
        assertThat(got.path("id").asText()).isEqualTo(snapshot);
        assertThat(got.path("name").asText()).isEqualTo("fleet v1");
        assertThat(got.path("flows").size()).isEqualTo(5);
        assertThat(got.path("modules").path("node-red").asText()).isEqualTo("4.1.8");
        JsonNode env = got.path("env");
        assertThat(env.path("LINE").asText()).isEqualTo("9");
        assertThat(env.path("ERP_TOKEN").asText()).isEqualTo("erp-9");
        assertThat(env.path("FF_DEVICE_ID").asText()).isEqualTo(agent.deviceId());
        assertThat(env.path("FF_DEVICE_NAME").asText()).startsWith("sim-");
        assertThat(env.path("FF_SNAPSHOT_ID").asText()).isEqualTo(snapshot);
        assertThat(env.path("FF_SNAPSHOT_NAME").asText()).isEqualTo("fleet v1");
        assertThat(env.path("FF_APPLICATION_ID").asText()).isEqualTo(application);
        assertThat(env.path("FF_APPLICATION_NAME").asText()).isEqualTo("Line 1");
        // credentials: encrypted for this device's secret, and for no other device's
        JsonNode credentials = got.path("credentials");
        assertThat(credentials.toString()).doesNotContain(PASSWORD_OF_THE_PLANT);
        assertThat(
                NodeRedCredentialFormat.decrypt(credentials, agent.credentialSecret())
                    .path("req")
                    .path("password")
                    .asText())
            .isEqualTo(PASSWORD_OF_THE_PLANT);
        for (VirtualAgent other : fleet.agents()) {
          if (other != agent) {
            assertThatThrownBy(
                    () -> NodeRedCredentialFormat.decrypt(credentials, other.credentialSecret()))
                .isInstanceOf(IllegalArgumentException.class);
          }
        }
        JsonNode settings = agent.lastSettings();
        assertThat(settings.path("hash").asText()).isEqualTo(agent.settingsHash());
        assertThat(settings.path("env").path("LINE").asText()).isEqualTo("group-line");
        assertThat(device(agent.deviceId()).path("settingsHash").asText())
            .isEqualTo(agent.settingsHash());
      }
      // settled: no more conflicts
      Map<String, Integer> conflicts =
          fleet.agents().stream()
              .collect(Collectors.toMap(VirtualAgent::deviceId, VirtualAgent::conflicts));
      awaitAll(fleet, "more heartbeats", a -> a.heartbeats() > 6);
      assertThat(fleet.agents()).allMatch(a -> a.conflicts() == conflicts.get(a.deviceId()));

      // a group env change reaches every member as new settings, without a new snapshot
      Map<String, String> before =
          fleet.agents().stream()
              .collect(Collectors.toMap(VirtualAgent::deviceId, VirtualAgent::settingsHash));
      group.putAll(env("LINE", "changed-line"));
      expect(put("/api/v1/device-groups/" + groupId, as(owner), group), 200);
      awaitAll(
          fleet,
          "the new settings",
          a ->
              !before.get(a.deviceId()).equals(a.settingsHash())
                  && "changed-line".equals(a.lastSettings().path("env").path("LINE").asText())
                  && "running".equals(a.reportedState()));
      assertThat(fleet.agents()).allMatch(a -> snapshot.equals(a.snapshot()));
      awaitStable(ids, snapshot, 2);

      // rollback to nothing: every agent stops
      devices.setTarget(ids, null);
      awaitAll(
          fleet,
          "the fleet stopped",
          a -> a.snapshot() == null && "stopped".equals(a.reportedState()));
      assertThat(fleet.agents()).allMatch(a -> a.fatal() == null && a.failedRequests() == 0);
    }
  }

  @Test
  void failingDevicesReportCrashedOrErrorForTheTargetWithRisingRestarts() {
    List<JsonNode> registrations = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      registrations.add(register("flaky-" + i));
    }
    List<String> ids = registrations.stream().map(DeviceTestSupport::id).toList();
    String snapshot = snapshot("flaky v1", "1");
    DeviceSimulator.Settings settings =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofMillis(300), Duration.ofMillis(100))
            .failing(0.5, VirtualAgent.Failure.CRASHED);
    try (DeviceSimulator fleet =
        new DeviceSimulator(
                settings, registrations.stream().map(DeviceTestSupport::credentials).toList())
            .start()) {
      devices.setTarget(ids, snapshot);
      awaitAll(fleet, "every device on the snapshot", a -> snapshot.equals(a.snapshot()));
      List<String> crashing =
          fleet.agents().stream()
              .filter(a -> "crashed".equals(a.reportedState()))
              .map(VirtualAgent::deviceId)
              .toList();
      assertThat(crashing).isNotEmpty().hasSizeLessThan(10);
      Await.until(
          "restart counts rising in the status",
          SETTLE,
          Duration.ofMillis(200),
          () -> devices.status(crashing),
          list ->
              list.stream()
                  .allMatch(
                      s ->
                          "crashed".equals(s.state())
                              && snapshot.equals(s.snapshotId())
                              && s.restartCount() != null
                              && s.restartCount() >= 3
                              && s.stableHeartbeats() <= 1));
      List<DeviceStatus> healthy =
          devices.status(ids.stream().filter(id -> !crashing.contains(id)).toList());
      assertThat(healthy).allMatch(s -> !"crashed".equals(s.state()));
    }
  }

  @Test
  void aRevokedDeviceTokenStopsWorkingWithinSeconds() {
    JsonNode registered = register("revoked");
    String id = id(registered);
    String token = token(registered);
    assertThat(heartbeat(id, token, state(null, null, "stopped")).status()).isEqualTo(200);
    String tokenId =
        jdbc.sql("select token_id from flowgate.device where id = ?")
            .param(id)
            .query(String.class)
            .single();
    // revoked behind the device API's back, as another engine node would
    jdbc.sql(
            "update flowgate.token set revoked_at = clock_timestamp(), revoked_by = 'test' where id = ?")
        .param(tokenId)
        .update();
    long start = System.nanoTime();
    Await.until(
        "the revoked token refused",
        Duration.ofSeconds(10),
        Duration.ofMillis(100),
        () -> heartbeat(id, token, state(null, null, "stopped")).status(),
        status -> status == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void bulkTargetAndStatusCoverManyDevicesAndRefuseForeignSnapshots() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(id(register("bulk-" + i)));
    }
    String snapshot = snapshot("bulk", "1");
    assertThat(devices.setTarget(ids, snapshot)).isEqualTo(3);
    assertThat(devices.setTarget(ids, snapshot)).isZero();
    List<DeviceStatus> status = devices.status(ids);
    assertThat(status).hasSize(3).allMatch(s -> snapshot.equals(s.targetSnapshotId()));
    assertThat(status).allMatch(s -> s.state() == null && s.lastSeenAt() == null);

    String otherApplication =
        expect(
                post("/api/v1/teams/" + team + "/applications", as(owner), body("name", "Other")),
                201)
            .json()
            .path("id")
            .asText();
    String foreign = id(register("foreign", otherApplication));
    assertThatThrownBy(() -> devices.setTarget(List.of(ids.get(0), foreign), snapshot))
        .hasMessageContaining("one application");
    assertThat(
            put("/api/v1/devices/" + foreign + "/target", as(owner), body("snapshotId", snapshot))
                .status())
        .isEqualTo(409);
    assertThatThrownBy(() -> devices.setTarget(List.of(ids.get(0), "0000000000000000"), snapshot))
        .hasMessageContaining("do not exist");
  }

  private void awaitAll(DeviceSimulator fleet, String what, Predicate<VirtualAgent> done) {
    Await.until(
        what,
        SETTLE,
        Duration.ofMillis(100),
        fleet::agents,
        agents -> agents.stream().allMatch(done));
  }

  private void awaitStable(List<String> ids, String snapshot, int heartbeats) {
    Await.until(
        "stable status",
        SETTLE,
        Duration.ofMillis(100),
        () -> devices.status(ids),
        list ->
            list.size() == ids.size()
                && list.stream()
                    .allMatch(
                        s ->
                            snapshot.equals(s.snapshotId())
                                && snapshot.equals(s.targetSnapshotId())
                                && "running".equals(s.state())
                                && s.stableHeartbeats() >= heartbeats));
  }
}
