package io.flowgate.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.WrongCredentialSecretException;
import io.flowgate.engine.instance.LiveInstances;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SnapshotContentTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = "a-snapshot-key-for-the-test";

  @Test
  void sealedContentKeepsNoSecretInClearAndOpensToTheSame() throws Exception {
    SnapshotContent.Plain plain = plain();

    SnapshotContent sealed = plain.seal(KEY);
    String stored = new String(sealed.canonicalBytes(), StandardCharsets.UTF_8);

    assertThat(stored).doesNotContain("pw-123", "erp-token-value").contains("\"LINE\"", "\"3\"");
    SnapshotContent read = SnapshotContent.fromJson(JSON.readTree(sealed.canonicalBytes()));
    SnapshotContent.Plain opened = read.open(KEY);
    assertThat(opened.credentials()).isEqualTo(plain.credentials());
    assertThat(opened.env()).isEqualTo(plain.env());
    assertThat(opened.flows()).isEqualTo(plain.flows());
    assertThat(opened.modules()).isEqualTo(plain.modules());
    assertThatThrownBy(() -> read.open("another-key-entirely"))
        .isInstanceOf(WrongCredentialSecretException.class);
  }

  @Test
  void equalContentIsEqualBytesWhateverTheKeyOrderOfItsNodes() throws Exception {
    SnapshotContent first = plain().seal(KEY);
    ArrayNode reordered = JSON.createArrayNode();
    reordered.add(JSON.readTree("{\"type\":\"tab\",\"label\":\"Line\",\"id\":\"t1\"}"));
    reordered.add(
        JSON.readTree(
            "{\"z\":\"t1\",\"wires\":[],\"type\":\"http request\",\"id\":\"req\",\"url\":\"http://x\"}"));
    SnapshotContent.Plain same = plain();
    SnapshotContent second =
        new SnapshotContent.Plain(
                reordered, same.credentials(), same.settings(), same.env(), same.modules())
            .seal(KEY);

    assertThat(CanonicalJson.sha256(second.canonicalBytes()))
        .isEqualTo(CanonicalJson.sha256(first.canonicalBytes()));
  }

  @Test
  void contentThatIsNotASnapshotIsRefusedWithTheReason() throws Exception {
    assertThatThrownBy(() -> SnapshotContent.fromJson(JSON.readTree("{\"flows\":[]}")))
        .hasMessageContaining("format");
    assertThatThrownBy(
            () ->
                SnapshotContent.fromJson(
                    JSON.readTree("{\"format\":\"flowgate.snapshot/1\",\"flows\":[{\"id\":1}]}")))
        .hasMessageContaining("id and type");
    assertThatThrownBy(
            () ->
                SnapshotContent.fromJson(
                    JSON.readTree(
                        "{\"format\":\"flowgate.snapshot/1\",\"flows\":[],"
                            + "\"env\":[{\"name\":\"A\"},{\"name\":\"A\"}]}")))
        .hasMessageContaining("twice");
  }

  @Test
  void aSnapshotOfTheInstanceItselfBringsBackExactlyItsEnv() {
    List<LiveInstances.EnvVar> current =
        List.of(
            new LiveInstances.EnvVar("LINE", "4", false),
            new LiveInstances.EnvVar("ADDED_LATER", "x", false));
    List<SnapshotContent.EnvVar> snapshot =
        List.of(
            new SnapshotContent.EnvVar("LINE", "3", false),
            new SnapshotContent.EnvVar("ERP", "token", true));

    assertThat(SnapshotDeployer.mergeEnv(current, snapshot, true))
        .containsExactly(
            new LiveInstances.EnvVar("LINE", "3", false),
            new LiveInstances.EnvVar("ERP", "token", true));
  }

  @Test
  void aSnapshotOfAnotherInstanceAddsWhatIsMissingAndKeepsTheTargetsValues() {
    List<LiveInstances.EnvVar> current =
        List.of(
            new LiveInstances.EnvVar("ENDPOINT", "https://prod", false),
            new LiveInstances.EnvVar("PROD_ONLY", "y", true));
    List<SnapshotContent.EnvVar> snapshot =
        List.of(
            new SnapshotContent.EnvVar("ENDPOINT", "https://dev", false),
            new SnapshotContent.EnvVar("NEW_FLAG", "on", false));

    assertThat(SnapshotDeployer.mergeEnv(current, snapshot, false))
        .containsExactly(
            new LiveInstances.EnvVar("ENDPOINT", "https://prod", false),
            new LiveInstances.EnvVar("PROD_ONLY", "y", true),
            new LiveInstances.EnvVar("NEW_FLAG", "on", false));
  }

  private static SnapshotContent.Plain plain() throws Exception {
    ArrayNode flows = JSON.createArrayNode();
    flows.add(JSON.readTree("{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}"));
    flows.add(
        JSON.readTree(
            "{\"id\":\"req\",\"type\":\"http request\",\"z\":\"t1\",\"url\":\"http://x\",\"wires\":[]}"));
    ObjectNode credentials = JSON.createObjectNode();
    credentials.putObject("req").put("user", "u").put("password", "pw-123");
    TreeMap<String, String> modules = new TreeMap<>();
    modules.put("node-red", "4.1.8");
    return new SnapshotContent.Plain(
        flows,
        credentials,
        JSON.createObjectNode().put("timeZone", "Europe/Berlin"),
        List.of(
            new SnapshotContent.EnvVar("LINE", "3", false),
            new SnapshotContent.EnvVar("ERP_TOKEN", "erp-token-value", true)),
        modules);
  }
}
