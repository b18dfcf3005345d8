package io.flowgate.engine.snapshot.diff;

import static io.flowgate.engine.snapshot.diff.FlowFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.snapshot.diff.DiffInput.EnvEntry;
import io.flowgate.engine.snapshot.diff.FlowFixtures.Snapshot;
import org.junit.jupiter.api.Test;

/** {@link SnapshotDiff} as the REST API and the approval form get it: JSON by Jackson. */
class SnapshotDiffJsonTest {

  private final Snapshot before = FlowFixtures.snapshot();
  private final Snapshot after = before.copy();

  @Test
  void secretsAndCredentialsNeverLeaveTheDiff() throws Exception {
    SnapshotDifferTest.editEverything(after);
    before.env().put("SECRET_GONE", EnvEntry.secret("hmac-sha256:gone-fingerprint-1"));
    before.env().put("UNVEILED", EnvEntry.secret("hmac-sha256:unveiled-fingerprint-1"));
    after.env().put("UNVEILED", EnvEntry.plain("hmac-sha256:was-a-secret-until-now"));
    before.env().put("VEILED", EnvEntry.plain("hmac-sha256:plain-until-now"));
    after.env().put("VEILED", EnvEntry.secret("hmac-sha256:veiled-fingerprint-1"));
    before.settings().putObject("httpNodeAuth").put("user", "line").put("pass", "hmac-sha256:$2b");
    after
        .settings()
        .putObject("contextStorage")
        .putObject("file")
        .putObject("config")
        .put("password", "hmac-sha256:context-store-password");

    SnapshotDiff diff = SnapshotDiffer.diff(before.input(), after.input());
    String json = JSON.writeValueAsString(diff);

    assertThat(diff.env().size()).isEqualTo(9);
    assertThat(diff.settings().size()).isEqualTo(4);
    assertThat(json).contains("\"summary\":", "credentials", "UNVEILED", "VEILED");
    for (String text : new String[] {json, diff.summary(), diff.toString()}) {
      assertThat(text)
          .doesNotContain("hmac-sha256", "settings-credential-secret", "$2b")
          .doesNotContainIgnoringCase("password");
    }
    assertThat(EnvEntry.secret("hmac-sha256:x").toString()).doesNotContain("hmac-sha256");
    assertThat(before.input().toString())
        .doesNotContain("hmac-sha256", "settings-credential-secret");
  }

  @Test
  void theJsonReadsBackIntoTheSameDiff() throws Exception {
    SnapshotDifferTest.editEverything(after);
    after.settings().putObject("logging").putObject("console").put("level", "debug");
    SnapshotDiff diff = SnapshotDiffer.diff(before.input(), after.input());

    String json = JSON.writeValueAsString(diff);
    SnapshotDiff read = JSON.readValue(json, SnapshotDiff.class);

    assertThat(read).isEqualTo(diff);
    assertThat(read.summary()).isEqualTo(diff.summary());
  }

  @Test
  void computedFieldsComeFirst() throws Exception {
    node("f32b7544.10b328").put("func", "return null;");

    String json = JSON.writeValueAsString(SnapshotDiffer.diff(before.input(), after.input()));

    assertThat(json)
        .startsWith(
            "{\"identical\":false,\"changeCount\":1,\"summary\":\"Tab \\\"Join\\\": 1 changed"
                + " (function \\\"set msg.complete\\\": func).\",\"tabs\":[{\"id\":"
                + "\"65391466.6687ec\",\"type\":\"tab\",\"label\":\"Join\",\"status\":"
                + "\"unchanged\",\"properties\":[],\"added\":[],\"removed\":[],\"changed\":"
                + "[{\"id\":\"f32b7544.10b328\",\"type\":\"function\",\"name\":"
                + "\"set msg.complete\",\"properties\":[\"func\"]}],\"moved\":[]}],\"env\":");
  }

  private com.fasterxml.jackson.databind.node.ObjectNode node(String id) {
    return FlowFixtures.node(after.flows(), id);
  }
}
