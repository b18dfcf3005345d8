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

  @Test
  void aPromotionIntoAStageWithADeviceGroupRollsTheSnapshotOut() {
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
                                "name", "line",
                                "action", "use_latest",
                                "deviceGroups", List.of(group)),
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
      assertThat(done.path("approvalsRequired").asInt()).isZero();
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

  private String group(String name, List<String> deviceIds) {
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
