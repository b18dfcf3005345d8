package io.flowgate.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.device.DeviceTestSupport;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.device.sim.VirtualAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * device-rollout against a fleet of simulated agents speaking the device protocol: waves that
 * succeed, a failure rate that breaks the error threshold and moves the fleet back, and an abort at
 * the manual gate.
 */
class RolloutSimulatedFleetTest extends DeviceTestSupport {

  private static final int DEVICES = 40;

  @DynamicPropertySource
  static void jobsRun(DynamicPropertyRegistry registry) {
    registry.add("camunda.bpm.job-execution.enabled", () -> "true");
  }

  @Test
  void wavesMoveTheFleetAndABadSnapshotIsRolledBack() {
    List<DeviceSimulator.Credentials> fleet = fleet(DEVICES);
    List<String> ids = fleet.stream().map(DeviceSimulator.Credentials::deviceId).toList();
    String group = group("Line 1 gateways", ids);
    String good = snapshot("good", "1");
    String next = snapshot("next", "3");
    String bad = snapshot("bad", "2");
    DeviceSimulator.Settings healthy =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofMillis(500), Duration.ofMillis(200));
    try (DeviceSimulator simulator = new DeviceSimulator(healthy, fleet).start()) {
      String first = rollout(group, good, false);
      JsonNode done = awaitState(first, "completed");
      // canary 2, then 10 % (4), 50 % (20) and 100 % (40) of the group
      assertThat(done.path("waves").findValuesAsText("targeted"))
          .containsExactly("2", "2", "16", "20");
      assertThat(done.path("waves").findValuesAsText("succeeded"))
          .containsExactly("2", "2", "16", "20");
      for (String device : ids) {
        assertThat(simulator.agent(device).snapshot()).isEqualTo(good);
      }

      // pause holds the next wave until resume
      String paused = rollout(group, next, false, "PT3S");
      expect(post("/api/v1/rollouts/" + paused + "/actions/pause", as(owner), Map.of()), 202);
      awaitState(paused, "paused");
      JsonNode held =
          Await.until(
              "the first wave of " + paused + " done",
              Duration.ofMinutes(1),
              Duration.ofMillis(250),
              () -> get("/api/v1/rollouts/" + paused, as(owner)).json(),
              json -> json.path("waves").get(0).path("succeeded").asInt() == 2);
      sleep(Duration.ofSeconds(6));
      held = get("/api/v1/rollouts/" + paused, as(owner)).json();
      assertThat(held.path("state").asText()).isEqualTo("paused");
      assertThat(held.path("waves").get(1).path("targeted").asInt()).isZero();
      expect(post("/api/v1/rollouts/" + paused + "/actions/resume", as(owner), Map.of()), 202);
      awaitState(paused, "completed");
      for (String device : ids) {
        assertThat(simulator.agent(device).snapshot()).isEqualTo(next);
      }
      String after = snapshot("after", "4");

      // a manual gate holds the next wave; an abort there moves the first wave back
      String gated = rollout(group, after, true);
      awaitState(gated, "awaiting-gate");
      expect(post("/api/v1/rollouts/" + gated + "/actions/abort", as(owner), Map.of()), 202);
      JsonNode aborted = awaitState(gated, "rolled-back");
      assertThat(aborted.path("stateReason").asText()).contains("Aborted");
      assertThat(aborted.path("waves").get(0).path("rolledBack").asInt()).isEqualTo(2);
      assertThat(aborted.path("waves").get(1).path("targeted").asInt()).isZero();
    }
    // every device of this fleet fails the bad snapshot
    DeviceSimulator.Settings failing = healthy.failing(1.0, VirtualAgent.Failure.ERROR);
    try (DeviceSimulator simulator = new DeviceSimulator(failing, fleet).start()) {
      String second = rollout(group, bad, false);
      JsonNode rolledBack = awaitState(second, "rolled-back");
      assertThat(rolledBack.path("stateReason").asText()).contains("threshold");
      assertThat(rolledBack.path("waves").get(0).path("failed").asInt()).isEqualTo(2);
      assertThat(rolledBack.path("waves").get(0).path("rolledBack").asInt()).isEqualTo(2);
      assertThat(rolledBack.path("waves").get(1).path("targeted").asInt())
          .as("the breach stopped the rollout after the canary")
          .isZero();
      for (String device : ids) {
        assertThat(simulator.agent(device).snapshot()).isNotEqualTo(bad);
      }
    }
  }

  /**
   * The fleet: 1,000 agents (polling every second here, to keep the test short), three
   * waves of 10, 50 and 100 %. Healthy, the rollout completes; with 10 % of the agents failing the
   * snapshot from wave 2 on it stops by itself and moves waves 1 and 2 back; pause and resume, and
   * an abort, act in the middle of a wave.
   */
  @Test
  void aThousandDevicesInThreeWaves() {
    List<DeviceSimulator.Credentials> fleet = insertFleet(1000, "secret-of-the-thousand");
    List<String> ids = fleet.stream().map(DeviceSimulator.Credentials::deviceId).toList();
    String group = group("Plant fleet", ids);
    String first = snapshot("fleet-1", "1");
    String bad = snapshot("fleet-bad", "2");
    String third = snapshot("fleet-3", "3");
    String fourth = snapshot("fleet-4", "4");
    DeviceSimulator.Settings everySecond =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofSeconds(1), Duration.ofMillis(400));
    try (DeviceSimulator simulator = new DeviceSimulator(everySecond, fleet).start()) {
      // healthy: all three waves, every device on the snapshot
      JsonNode done = awaitState(fleetRollout(group, first, "PT0S"), "completed");
      assertThat(done.path("waves").findValuesAsText("targeted"))
          .containsExactly("100", "400", "500");
      assertThat(done.path("waves").findValuesAsText("succeeded"))
          .containsExactly("100", "400", "500");
      assertThat(ids).allMatch(id -> first.equals(simulator.agent(id).snapshot()));

      // 10 % of the agents fail the snapshot once wave 1 has it: wave 2 breaches the error
      // threshold, waves 1 and 2 go back, wave 3 is never touched
      String breached = fleetRollout(group, bad, "PT5S");
      awaitWave(breached, "wave 1 judged", 0, wave -> wave.path("succeeded").asInt() == 100);
      simulator.injectFailures(bad, 0.10);
      JsonNode rolledBack = awaitState(breached, "rolled-back");
      assertThat(rolledBack.path("stateReason").asText()).contains("threshold");
      JsonNode waves = rolledBack.path("waves");
      assertThat(waves.get(1).path("failed").asInt()).isBetween(20, 80);
      assertThat(waves.get(0).path("rolledBack").asInt()).isEqualTo(100);
      assertThat(waves.get(1).path("rolledBack").asInt()).isEqualTo(400);
      assertThat(waves.get(2).path("targeted").asInt()).isZero();
      assertThat(ids).allMatch(id -> first.equals(simulator.agent(id).snapshot()));
      // no device runs the bad snapshot now, but the rollout is the record of what was sent
      Response deleteBad = delete("/api/v1/snapshots/" + bad, as(owner));
      assertThat(deleteBad.status()).isEqualTo(409);
      assertThat(deleteBad.header("Content-Type")).startsWith("application/problem+json");

      // pause in the middle of wave 1 holds wave 2 until resume
      String paused = fleetRollout(group, third, "PT0S");
      expect(post("/api/v1/rollouts/" + paused + "/actions/pause", as(owner), Map.of()), 202);
      JsonNode held = awaitState(paused, "paused");
      sleep(Duration.ofSeconds(3));
      held = get("/api/v1/rollouts/" + paused, as(owner)).json();
      assertThat(held.path("state").asText()).isEqualTo("paused");
      assertThat(held.path("waves").get(1).path("targeted").asInt()).isZero();
      expect(post("/api/v1/rollouts/" + paused + "/actions/resume", as(owner), Map.of()), 202);
      awaitState(paused, "completed");
      assertThat(ids).allMatch(id -> third.equals(simulator.agent(id).snapshot()));

      // abort in the middle of wave 2: waves 1 and 2 go back
      String aborted = fleetRollout(group, fourth, "PT0S");
      awaitWave(aborted, "wave 2 under way", 1, wave -> wave.path("targeted").asInt() == 400);
      expect(post("/api/v1/rollouts/" + aborted + "/actions/abort", as(owner), Map.of()), 202);
      JsonNode back = awaitState(aborted, "rolled-back");
      assertThat(back.path("stateReason").asText()).contains("Aborted");
      assertThat(back.path("waves").get(0).path("rolledBack").asInt()).isEqualTo(100);
      assertThat(back.path("waves").get(1).path("rolledBack").asInt()).isEqualTo(400);
      assertThat(back.path("waves").get(2).path("targeted").asInt()).isZero();
      assertThat(ids).allMatch(id -> third.equals(simulator.agent(id).snapshot()));
      assertThat(simulator.agents()).allMatch(agent -> agent.fatal() == null);
    }
  }

  private String fleetRollout(String group, String snapshot, String waitBetweenWaves) {
    return expect(
            post(
                "/api/v1/device-groups/" + group + "/rollouts",
                as(owner),
                rolloutRequest(snapshot, List.of(10, 50, 100), "PT1M", waitBetweenWaves)),
            202)
        .json()
        .path("id")
        .asText();
  }

  /** Waits, polling every 50 ms, until the wave (0: the first) of the rollout is as asked. */
  private void awaitWave(
      String rollout, String what, int wave, java.util.function.Predicate<JsonNode> condition) {
    Await.until(
        rollout + ": " + what,
        Duration.ofMinutes(1),
        Duration.ofMillis(50),
        () -> get("/api/v1/rollouts/" + rollout, as(owner)).json(),
        json -> condition.test(json.path("waves").path(wave)));
  }

  @Test
  void aPromotionIntoAStageWithADeviceGroupRollsTheSnapshotOutAfterTwoApprovals() {
    List<String> approvers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String approver = createUser(organization, unique("approver"), "member");
      putMember(team, approver, "member", true);
      approvers.add(approver);
    }
    List<DeviceSimulator.Credentials> fleet = fleet(10);
    List<String> ids = fleet.stream().map(DeviceSimulator.Credentials::deviceId).toList();
    String group = group("Packaging gateways", ids);
    JsonNode pipeline =
        expect(
                post(
                    "/api/v1/applications/" + application + "/pipelines",
                    as(owner),
                    body(
                        "name",
                        "To the line",
                        "stages",
                        List.of(
                            body("name", "release", "action", "prompt"),
                            body(
                                "name",
                                "line",
                                "action",
                                "use_latest",
                                "protected",
                                true,
                                "deviceGroups",
                                List.of(group)),
                            body("name", "archive", "action", "prompt")))),
                201)
            .json();
    assertThat(pipeline.path("stages").get(1).path("deviceGroups").get(0).asText())
        .isEqualTo(group);
    String release = pipeline.path("stages").get(0).path("id").asText();
    String snapshot = snapshot("release-1", "7");
    DeviceSimulator.Settings healthy =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofMillis(500), Duration.ofMillis(200));
    try (DeviceSimulator simulator = new DeviceSimulator(healthy, fleet).start()) {
      String promotion =
          expect(
                  post(
                      "/api/v1/pipelines/"
                          + pipeline.path("id").asText()
                          + "/stages/"
                          + release
                          + "/promote",
                      as(owner),
                      body("snapshotId", snapshot)),
                  202)
              .json()
              .path("promotionId")
              .asText();
      // the protected stage wants two approvers; nothing moves before the second
      Await.until(
          "promotion " + promotion + " awaiting approval",
          Duration.ofMinutes(1),
          Duration.ofMillis(250),
          () -> get("/api/v1/promotions/" + promotion, as(owner)).json(),
          json -> "awaiting-approval".equals(json.path("state").asText()));
      for (String approver : approvers) {
        sleep(Duration.ofSeconds(2));
        assertThat(ids).noneMatch(id -> snapshot.equals(simulator.agent(id).snapshot()));
        expect(
            post(
                "/api/v1/promotions/" + promotion + "/approvals",
                as(approver),
                body("decision", "approve", "comment", "fine for the line")),
            200);
      }
      JsonNode done =
          Await.until(
              "promotion " + promotion + " completed",
              Duration.ofMinutes(3),
              Duration.ofMillis(250),
              () -> get("/api/v1/promotions/" + promotion, as(owner)).json(),
              json -> {
                String state = json.path("state").asText();
                if (List.of("failed", "rolled-back", "rejected", "expired").contains(state)) {
                  throw new AssertionError("promotion is " + state + ": " + json);
                }
                return "completed".equals(state);
              });
      assertThat(done.path("approvalsRequired").asInt()).isEqualTo(2);
      assertThat(done.path("approvals")).hasSize(2);
      for (String device : ids) {
        assertThat(simulator.agent(device).snapshot()).isEqualTo(snapshot);
      }
    }
  }

  /** Registers devices of the application through the API. */
  private List<DeviceSimulator.Credentials> fleet(int devices) {
    List<DeviceSimulator.Credentials> fleet = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      fleet.add(credentials(register(unique("gw"))));
    }
    return fleet;
  }

  private String rollout(String group, String snapshot, boolean gate) {
    return rollout(group, snapshot, gate, "PT0S");
  }

  private String rollout(String group, String snapshot, boolean gate, String waitBetween) {
    return expect(
            post(
                "/api/v1/device-groups/" + group + "/rollouts",
                as(owner),
                body(
                    "snapshotId",
                    snapshot,
                    "canary",
                    2,
                    "waves",
                    List.of(10, 50, 100),
                    "successThreshold",
                    40,
                    "errorThreshold",
                    20,
                    "minFinished",
                    4,
                    "waveTimeout",
                    "PT30S",
                    "waitBetweenWaves",
                    "PT0S",
                    "manualGate",
                    gate)),
            202)
        .json()
        .path("id")
        .asText();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private JsonNode awaitState(String rollout, String state) {
    return Await.until(
        "rollout " + rollout + " " + state,
        Duration.ofMinutes(3),
        Duration.ofMillis(250),
        () -> expect(get("/api/v1/rollouts/" + rollout, as(owner)), 200).json(),
        json -> {
          String now = json.path("state").asText();
          if (!now.equals(state) && List.of("completed", "aborted", "rolled-back").contains(now)) {
            throw new AssertionError("rollout is " + now + ": " + json);
          }
          return now.equals(state);
        });
  }
}
