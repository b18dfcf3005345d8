package io.flowgate.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.RequiresBrowser;
import io.flowgate.engine.device.DeviceTestSupport;
import io.flowgate.engine.device.sim.DeviceSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A rollout watched in the console while simulated agents take the snapshot: the wave bars fill up
 * as devices report, pause holds the next wave and resume lets it go, the buttons go away when it
 * is over; the devices page shows one page of devices and the state counts; a viewer sees the bars
 * but no button.
 */
@RequiresBrowser
class ConsoleRolloutBrowserTest extends DeviceTestSupport {

  private static final int DEVICES = 24;
  private static final Duration BROWSER = Duration.ofMinutes(4);

  @DynamicPropertySource
  static void jobsRun(DynamicPropertyRegistry registry) {
    registry.add("camunda.bpm.job-execution.enabled", () -> "true");
  }

  @Test
  void theWaveBarsMoveAsDevicesReportAndPauseHoldsTheNextWave() throws Exception {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    List<DeviceSimulator.Credentials> fleet = new ArrayList<>();
    for (int i = 0; i < DEVICES; i++) {
      fleet.add(credentials(register(unique("gw"))));
    }
    String group =
        group(
            "Line 1 gateways", fleet.stream().map(DeviceSimulator.Credentials::deviceId).toList());
    String snapshot = snapshot("release-7", "7");
    DeviceSimulator.Settings healthy =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofMillis(700), Duration.ofMillis(300));
    try (DeviceSimulator simulator = new DeviceSimulator(healthy, fleet).start()) {
      String rollout =
          expect(
                  post(
                      "/api/v1/device-groups/" + group + "/rollouts",
                      as(owner),
                      body(
                          "snapshotId",
                          snapshot,
                          "canary",
                          2,
                          "waves",
                          List.of(25, 50, 100),
                          "successThreshold",
                          40,
                          "errorThreshold",
                          20,
                          "minFinished",
                          2,
                          "waveTimeout",
                          "PT60S",
                          "waitBetweenWaves",
                          "PT2S",
                          "manualGate",
                          false)),
                  202)
              .json()
              .path("id")
              .asText();

      JsonNode watched =
          ConsoleScript.run(
              port,
              owner,
              PASSWORD,
              "rollout",
              Map.of("teamId", team, "rolloutId", rollout, "pauseAndResume", true, "holdMs", 4000),
              BROWSER);

      // the bars only ever grew, wave after wave, up to the whole group
      int before = 0;
      int distinct = 0;
      for (JsonNode sample : watched.path("samples")) {
        int succeeded = 0;
        for (JsonNode wave : sample.path("waves")) {
          succeeded += wave.path("succeeded").asInt();
          assertThat(wave.path("failed").asInt()).isZero();
        }
        assertThat(succeeded)
            .as("succeeded devices never go down: %s", sample)
            .isGreaterThanOrEqualTo(before);
        if (succeeded > before) {
          distinct++;
        }
        before = succeeded;
      }
      assertThat(distinct).as("the bars moved several times").isGreaterThanOrEqualTo(3);
      JsonNode last = watched.path("final");
      assertThat(last.path("state").asText()).isEqualTo("completed");
      assertThat(last.path("waves").findValuesAsText("succeeded"))
          .containsExactly("2", "4", "6", "12");
      assertThat(last.path("waves").findValuesAsText("succeededWidth")).containsOnly("100%");
      // pause held the next wave until resume
      JsonNode paused = watched.path("paused");
      assertThat(paused.path("heldBars").path("state").asText()).isEqualTo("paused");
      assertThat(paused.path("stillHeld").path("state").asText()).isEqualTo("paused");
      assertThat(started(paused.path("stillHeld")))
          .as("no wave started while paused")
          .isEqualTo(started(paused.path("heldBars")));
      assertThat(watched.path("buttonsHidden").asBoolean()).isTrue();
      // the devices page: one page of devices, the counts of all
      assertThat(watched.path("devicesInDom").asInt()).isEqualTo(DEVICES);
      assertThat(watched.path("deviceTotal").asText()).startsWith(DEVICES + " devices");
      assertThat(simulator.agent(fleet.get(0).deviceId()).snapshot()).isEqualTo(snapshot);
      JsonNode audit =
          expect(get("/api/v1/audit?entityId=" + rollout + "&action=rollout.*", admin()), 200)
              .json();
      assertThat(audit.path("items").findValuesAsText("action"))
          .contains("rollout.pause-requested", "rollout.resume-requested");

      // the platform admin finds the pause and the resume in the audit log
      JsonNode logged =
          ConsoleScript.run(
              port,
              ADMIN,
              ADMIN_PASSWORD,
              "audit",
              Map.of("entityId", rollout, "action", "rollout.*"),
              BROWSER);
      assertThat(texts(logged.path("actions")))
          .contains("rollout.pause-requested", "rollout.resume-requested")
          .allMatch(action -> action.startsWith("rollout."));
      assertThat(logged.path("url").asText()).contains("action=rollout.*");

      // a viewer sees the bars and no button
      JsonNode seen =
          ConsoleScript.run(
              port,
              viewer,
              PASSWORD,
              "viewer",
              Map.of("pages", List.of("#/rollouts/" + rollout, "#/teams/" + team + "/devices")),
              BROWSER);
      for (JsonNode page : seen.path("pages")) {
        assertThat(page.path("actions").asInt()).as("actions offered: %s", page).isZero();
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  /** How many waves of a sample of the bars have devices. */
  private static long started(JsonNode sample) {
    long started = 0;
    for (JsonNode wave : sample.path("waves")) {
      int devices =
          wave.path("succeeded").asInt()
              + wave.path("failed").asInt()
              + wave.path("timedOut").asInt()
              + wave.path("pending").asInt();
      if (devices > 0) {
        started++;
      }
    }
    return started;
  }
}
