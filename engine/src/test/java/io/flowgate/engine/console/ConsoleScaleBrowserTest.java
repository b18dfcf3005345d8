package io.flowgate.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.RequiresBrowser;
import io.flowgate.engine.device.DeviceTestSupport;
import io.flowgate.engine.device.sim.DeviceSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console for a team of the size the issue names: 50 instances and 10,000 devices in one group.
 * Every page of the team draws within seconds, holds one page of rows, and never blocks the browser
 * for long.
 */
@RequiresBrowser
class ConsoleScaleBrowserTest extends DeviceTestSupport {

  private static final int INSTANCES = 50;
  private static final int DEVICES = 10_000;

  @Test
  void aTeamWithFiftyInstancesAndTenThousandDevicesStaysUsable() throws Exception {
    expect(put("/api/v1/teams/" + team + "/quota", admin(), Map.of("instances", INSTANCES)), 200);
    for (int i = 0; i < INSTANCES; i++) {
      newInstance(unique("line"));
    }
    List<String> ids =
        insertFleet(DEVICES, "secret-of-the-large-team").stream()
            .map(DeviceSimulator.Credentials::deviceId)
            .toList();
    group("All gateways", ids);

    JsonNode seen =
        ConsoleScript.run(
            port,
            owner,
            PASSWORD,
            "scale",
            Map.of(
                "pages",
                List.of(
                    Map.of("route", "#/teams/" + team, "ready", "#instances tr[data-instance]"),
                    Map.of(
                        "route",
                        "#/applications/" + application,
                        "ready",
                        "#groups tr, #fleet-total"),
                    Map.of(
                        "route",
                        "#/teams/" + team + "/devices",
                        "ready",
                        "#devices tr[data-device]"),
                    Map.of("route", "#/teams/" + team + "/rollouts", "ready", "main h1"))),
            Duration.ofMinutes(3));

    // the figures, for the log: time to draw, to answer a click, rows, longest blocking task
    System.out.println("console pages of a large team: " + seen.path("pages"));
    for (var page : seen.path("pages").properties()) {
      JsonNode measured = page.getValue();
      assertThat(measured.path("ms").asLong()).as("%s drawn", page.getKey()).isLessThan(10_000);
      assertThat(measured.path("clickMs").asLong())
          .as("%s answers a click", page.getKey())
          .isLessThan(2_000);
      assertThat(measured.path("rows").asInt())
          .as("%s holds one page of rows, not the team", page.getKey())
          .isLessThan(200);
      assertThat(measured.path("longestTaskMs").asDouble())
          .as("%s never blocks the browser for a second", page.getKey())
          .isLessThan(1_000);
    }
    assertThat(seen.path("pages").path("#/teams/" + team + "/devices").path("rows").asInt())
        .as("the devices page shows a page of devices")
        .isGreaterThanOrEqualTo(50);
  }
}
