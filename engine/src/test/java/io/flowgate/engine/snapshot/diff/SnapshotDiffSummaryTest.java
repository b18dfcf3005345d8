package io.flowgate.engine.snapshot.diff;

import static io.flowgate.engine.snapshot.diff.FlowFixtures.JSON;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_1ST;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_JOIN;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.node;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.wires;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.snapshot.diff.DiffInput.EnvEntry;
import io.flowgate.engine.snapshot.diff.FlowFixtures.Snapshot;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SnapshotDiff#summary()}: what an approver reads before signing. */
class SnapshotDiffSummaryTest {

  private final Snapshot before = FlowFixtures.snapshot();
  private final Snapshot after = before.copy();

  private String summary() {
    return SnapshotDiffer.diff(before.input(), after.input()).summary();
  }

  @Test
  void aDiffReadsAsOneLinePerTabAndSection() {
    SnapshotDifferTest.editEverything(after);

    assertThat(summary())
        .isEqualTo(
            """
            Tab "Line 1" changed (renamed from "TAB: 1st"): 2 added (inject "tick", debug).
            Tab "TAB: 2nd": 1 changed (change "set topic & payload": wires, moved here from \
            tab "Join", position).
            Tab "Join": 4 changed (inject: wires; join: wires; function "set msg.complete": func; \
            csv: wires), 1 removed (debug), 1 moved (position only).
            Global config nodes: 1 changed (websocket-client "ws://localhost:1880/ws1": \
            credentials).
            Env: API_KEY (secret) added; DEBUG_LEVEL added (info); ERP_TOKEN (secret) changed; \
            LINE changed 3 → 4; OLD_FLAG made secret; PLANT removed (was Hamburg).
            Modules: node-red-contrib-x 1.0.0 → 1.1.0.
            Settings: credentialSecret changed; httpNodeRoot "/" → "/api".""");
  }

  @Test
  void noChangesSaysSoAndMovesAloneAreStillShown() {
    assertThat(summary()).isEqualTo("No changes.");

    node(after.flows(), "ed0381d3.e25fc").put("x", 400);

    assertThat(summary()).isEqualTo("Tab \"Join\": 1 moved (position only).");
  }

  @Test
  void tabsAddedRemovedAndModulesAddedRemovedReadNaturally() {
    after.flows().removeIf(node -> node.toString().contains(FlowFixtures.TAB_WEBSOCKET));
    after.flows().add(3, FlowFixtures.tab("3c9e4f1a2b7d8e05", "Line 2"));
    after.modules().remove("node-red-dashboard");
    after.modules().put("@flowfuse/node-red-dashboard", "1.26.0");
    after.env().put("UNVEILED", EnvEntry.plain("yes"));
    before.env().put("UNVEILED", EnvEntry.secret("hmac-sha256:unveiled-fingerprint-1"));
    after.settings().putObject("logging").putObject("console").put("level", "debug");

    assertThat(summary())
        .isEqualTo(
            """
            New tab "Line 2".
            Removed tab "WebSocket": 5 removed (websocket in, debug, inject, websocket out, \
            comment "Connect to websocket in server").
            Env: UNVEILED no longer secret.
            Modules: @flowfuse/node-red-dashboard 1.26.0 added; node-red-dashboard 3.6.5 removed.
            Settings: logging added ({"console":{"level":"debug"}}).""");
  }

  @Test
  void quotesAndLineBreaksInNamesCannotBreakTheText() {
    node(after.flows(), TAB_1ST).put("label", "Line \"A\"\nsecond line");
    node(after.flows(), "f32b7544.10b328").put("name", "say \"hi\"\r\nthen \\ <b>bye</b>");
    after.env().put("LINE", EnvEntry.plain("3\n4"));

    String summary = summary();

    assertThat(summary.lines())
        .containsExactly(
            "Tab \"Line \\\"A\\\"\\nsecond line\" changed (renamed from \"TAB: 1st\").",
            "Tab \"Join\": 1 changed (function \"say \\\"hi\\\"\\r\\nthen \\\\ <b>bye</b>\": name).",
            "Env: LINE changed 3 → \"3\\n4\".");
  }

  @Test
  void oneLetterPropertiesAreSpelledOut() {
    node(after.flows(), "f32b7544.10b328").put("d", true);
    node(after.flows(), "ed0381d3.e25fc").put("g", "9d2e6b1c0a4f7e21");

    assertThat(summary())
        .isEqualTo(
            "Tab \"Join\": 2 changed (template \"data\": group; function \"set msg.complete\":"
                + " disabled).");
  }

  @Test
  void longNamesAndValuesAreShortened() {
    node(after.flows(), "f32b7544.10b328").put("name", "n".repeat(300)).put("func", "return;");
    after.env().put("LINE", EnvEntry.plain("v".repeat(300)));

    String summary = summary();

    assertThat(summary)
        .isEqualTo(
            "Tab \"Join\": 1 changed (function \""
                + "n".repeat(49)
                + "…\": func, name).\nEnv: LINE changed 3 → \""
                + "v".repeat(39)
                + "…\".");
  }

  @Test
  void aLargeChangeSetIsCutAndWhatIsLeftOutIsCounted() {
    for (int i = 0; i < 300; i++) {
      ObjectNode function = JSON.createObjectNode();
      function.put("id", "5f1c2a7e9b3d%04d".formatted(i)).put("type", "function");
      function.put("z", TAB_JOIN).put("name", "step %03d".formatted(i));
      function.put("func", "return msg;").put("x", 100).put("y", 1000 + 40 * i);
      function.set("wires", wires());
      after.flows().add(function);
    }
    for (int i = 0; i < 40; i++) {
      after.env().put("VAR_%02d".formatted(i), EnvEntry.plain("value " + i));
    }
    SnapshotDiff diff = SnapshotDiffer.diff(before.input(), after.input());

    String summary = diff.summary();

    assertThat(diff.changeCount()).isEqualTo(340);
    assertThat(summary).hasSizeLessThanOrEqualTo(1500).hasSizeGreaterThan(1400);
    Matcher shown = Pattern.compile("function \"step \\d{3}\"").matcher(summary);
    int count = 0;
    while (shown.find()) {
      count++;
    }
    assertThat(summary)
        .startsWith("Tab \"Join\": 300 added (function \"step 000\", function \"step 001\", ")
        .contains("\"step %03d\", …).\n".formatted(count - 1))
        .endsWith("\n… and " + (340 - count) + " more changes.")
        .doesNotContain("Env:");
  }

  @Test
  void cuttingBetweenLinesKeepsWholeLines() {
    for (int i = 0; i < 200; i++) {
      after.env().put("VAR_%03d".formatted(i), EnvEntry.plain("value " + i));
    }
    after.modules().put("node-red-contrib-x", "1.1.0");
    after.settings().put("httpNodeRoot", "/api");

    String summary = summary();

    assertThat(summary).hasSizeLessThanOrEqualTo(1500);
    String[] lines = summary.split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("Env: VAR_000 added (\"value 0\"); ").endsWith("; ….");
    int shown = lines[0].split("; ").length - 1;
    assertThat(lines[1]).isEqualTo("… and " + (202 - shown) + " more changes.");
  }
}
