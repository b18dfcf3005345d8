package io.flowgate.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** The diff of SnapshotDockerTest's change: the request node renamed and rewired, a debug added. */
final class SnapshotDiffAssert {

  private SnapshotDiffAssert() {}

  static void assertExactly(JsonNode diff) {
    assertThat(diff.path("changeCount").asInt()).as(diff.toString()).isEqualTo(2);
    assertThat(diff.path("tabs")).hasSize(1);
    JsonNode tab = diff.path("tabs").get(0);
    assertThat(tab.path("id").asText()).isEqualTo("tab.call");
    assertThat(tab.path("added")).hasSize(1);
    assertThat(tab.path("added").get(0).path("id").asText()).isEqualTo("dbg");
    assertThat(tab.path("added").get(0).path("name").asText()).isEqualTo("show answer");
    assertThat(tab.path("removed")).isEmpty();
    assertThat(tab.path("moved")).isEmpty();
    assertThat(tab.path("changed")).hasSize(1);
    JsonNode changed = tab.path("changed").get(0);
    assertThat(changed.path("id").asText()).isEqualTo("req");
    assertThat(changed.path("properties"))
        .extracting(JsonNode::asText)
        .containsExactly("name", "wires");
    assertThat(diff.path("env").path("added")).isEmpty();
    assertThat(diff.path("env").path("changed")).isEmpty();
    assertThat(diff.path("modules").path("changed")).isEmpty();
    assertThat(diff.path("settings").path("changed")).isEmpty();
    assertThat(diff.path("summary").asText()).contains("1 added", "1 changed", "call the plant");
  }
}
