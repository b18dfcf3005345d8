package io.flowgate.engine.snapshot.diff;

import static io.flowgate.engine.snapshot.diff.FlowFixtures.JSON;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_1ST;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_2ND;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_JOIN;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.TAB_WEBSOCKET;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.WEBSOCKET_CLIENT;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.WEBSOCKET_LISTENER;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.node;
import static io.flowgate.engine.snapshot.diff.FlowFixtures.wires;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.snapshot.diff.DiffInput.EnvEntry;
import io.flowgate.engine.snapshot.diff.FlowFixtures.Snapshot;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.Changes;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.EnvChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.ModuleChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeRef;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.SettingChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabDiff;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabRef;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SnapshotDiffer} on Node-RED's example flows, edited in known ways. */
class SnapshotDifferTest {

  // ids from the example flows
  private static final String JOIN_INJECT = "7f104f68.aecff";
  private static final String JOIN_TEMPLATE = "ed0381d3.e25fc";
  private static final String JOIN_JOIN = "a4f5546e.28b268";
  private static final String JOIN_DEBUG = "e3e636ab.5c5068";
  private static final String JOIN_FUNCTION = "f32b7544.10b328";
  private static final String JOIN_CSV = "89a32ebe.a92f1";
  private static final String JOIN_CHANGE = "39fd09fc.b87e66";

  private final Snapshot before = FlowFixtures.snapshot();
  private final Snapshot after = before.copy();

  private SnapshotDiff diff() {
    return SnapshotDiffer.diff(before.input(), after.input());
  }

  private static Changes<EnvChange> noEnv() {
    return new Changes<>(List.of(), List.of(), List.of());
  }

  private static <T> Changes<T> none() {
    return new Changes<>(List.of(), List.of(), List.of());
  }

  private static TabDiff tab(
      String id,
      String label,
      List<NodeRef> added,
      List<NodeRef> removed,
      List<NodeChange> changed,
      List<NodeRef> moved) {
    return new TabDiff(
        id, "tab", label, null, TabStatus.UNCHANGED, List.of(), added, removed, changed, moved);
  }

  private static SnapshotDiff flowsOnly(TabDiff... tabs) {
    return new SnapshotDiff(List.of(tabs), noEnv(), none(), none());
  }

  // --- nothing changed -----------------------------------------------------------------------

  @Test
  void aSnapshotComparedWithItsCopyHasNoChanges() {
    SnapshotDiff diff = diff();

    assertThat(diff.identical()).isTrue();
    assertThat(diff.changeCount()).isZero();
    assertThat(diff.tabs()).isEmpty();
    assertThat(diff.env().size() + diff.modules().size() + diff.settings().size()).isZero();
    assertThat(diff.summary()).isEqualTo("No changes.");
  }

  @Test
  void keyOrderNodeOrderAndNumberNotationAreNotChanges() {
    List<ObjectNode> reordered = new ArrayList<>();
    for (ObjectNode node : after.flows()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      Collections.reverse(fields);
      ObjectNode copy = JSON.createObjectNode();
      fields.forEach(field -> copy.set(field.getKey(), field.getValue()));
      reordered.add(copy);
    }
    Collections.reverse(reordered);
    after.flows().clear();
    after.flows().addAll(reordered);
    node(after.flows(), JOIN_INJECT).put("x", 200.0); // was 200
    after.settings().put("uiPort", 1880.0);
    before.settings().putObject("limits").put("max", 10).putArray("steps").add(1).add(2);
    after.settings().putObject("limits").put("max", 10.0).putArray("steps").add(1.0).add(2L);

    assertThat(diff().identical()).isTrue();
  }

  // --- one kind of change at a time ----------------------------------------------------------

  @Test
  void anAddedNodeIsReportedUnderItsTab() {
    ObjectNode function = JSON.createObjectNode();
    function.put("id", "5f1c2a7e9b3d4c60").put("type", "function").put("z", TAB_JOIN);
    function.put("name", "scale").put("func", "msg.payload *= 2;\nreturn msg;");
    function.put("outputs", 1).put("x", 520).put("y", 960).set("wires", wires());
    after.flows().add(function);

    assertThat(diff())
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(new NodeRef("5f1c2a7e9b3d4c60", "function", "scale")),
                    List.of(),
                    List.of(),
                    List.of())));
    assertThat(diff().changeCount()).isEqualTo(1);
  }

  @Test
  void aDeletedNodeIsRemovedAndTheWireToItAChange() {
    FlowFixtures.remove(after.flows(), JOIN_DEBUG);
    node(after.flows(), JOIN_JOIN).set("wires", wires());

    assertThat(diff())
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(),
                    List.of(new NodeRef(JOIN_DEBUG, "debug", "")),
                    List.of(new NodeChange(JOIN_JOIN, "join", "", List.of("wires"), null)),
                    List.of())));
    assertThat(diff().changeCount()).isEqualTo(2);
  }

  @Test
  void aFunctionWhoseCodeChangedNamesFunc() {
    ObjectNode function = node(after.flows(), JOIN_FUNCTION);
    function.put("func", function.get("func").asText().replace("Kiwi", "Mango"));

    assertThat(diff())
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(),
                    List.of(),
                    List.of(
                        new NodeChange(
                            JOIN_FUNCTION, "function", "set msg.complete", List.of("func"), null)),
                    List.of())));
  }

  @Test
  void rewiringAndReorderingWiresAreChanges() {
    node(after.flows(), JOIN_INJECT).set("wires", wires("12b322b7.78f48d"));
    node(before.flows(), JOIN_TEMPLATE).set("wires", wires("12b322b7.78f48d", JOIN_DEBUG));
    node(after.flows(), JOIN_TEMPLATE).set("wires", wires(JOIN_DEBUG, "12b322b7.78f48d"));

    assertThat(diff().tabs())
        .singleElement()
        .extracting(TabDiff::changed)
        .isEqualTo(
            List.of(
                new NodeChange(JOIN_INJECT, "inject", "", List.of("wires"), null),
                new NodeChange(JOIN_TEMPLATE, "template", "data", List.of("wires"), null)));
  }

  @Test
  void aNodeMovedOnlyByPositionIsMovedNotChanged() {
    node(after.flows(), JOIN_TEMPLATE).put("x", 380).put("y", 180);

    SnapshotDiff diff = diff();

    assertThat(diff)
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(new NodeRef(JOIN_TEMPLATE, "template", "data")))));
    assertThat(diff.changeCount()).isZero();
    assertThat(diff.identical()).isFalse();
  }

  @Test
  void aNodeMovedAndChangedIsChangedWithItsPosition() {
    node(after.flows(), JOIN_TEMPLATE).put("x", 380).put("template", "Apple\nPear");

    assertThat(diff().tabs())
        .singleElement()
        .satisfies(
            tab -> {
              assertThat(tab.moved()).isEmpty();
              assertThat(tab.changed())
                  .containsExactly(
                      new NodeChange(
                          JOIN_TEMPLATE, "template", "data", List.of("template", "x"), null));
            });
  }

  @Test
  void aRenamedTabIsAChangedTabWithItsPreviousLabel() {
    node(after.flows(), TAB_1ST).put("label", "Line 1");

    assertThat(diff())
        .isEqualTo(
            flowsOnly(
                new TabDiff(
                    TAB_1ST,
                    "tab",
                    "Line 1",
                    "TAB: 1st",
                    TabStatus.CHANGED,
                    List.of("label"),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of())));
    assertThat(diff().changeCount()).isEqualTo(1);
  }

  @Test
  void aNodeMovedToAnotherTabIsChangedUnderItsNewTab() {
    node(after.flows(), JOIN_CHANGE).put("z", TAB_2ND);

    assertThat(diff())
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_2ND,
                    "TAB: 2nd",
                    List.of(),
                    List.of(),
                    List.of(
                        new NodeChange(
                            JOIN_CHANGE,
                            "change",
                            "set topic & payload",
                            List.of("z"),
                            new TabRef(TAB_JOIN, "tab", "Join"))),
                    List.of())));
  }

  @Test
  void aConfigNodeMovedFromGlobalToATabComesFromGlobal() {
    node(after.flows(), WEBSOCKET_LISTENER).put("z", TAB_WEBSOCKET);

    assertThat(diff().tabs())
        .singleElement()
        .satisfies(
            tab -> {
              assertThat(tab.id()).isEqualTo(TAB_WEBSOCKET);
              assertThat(tab.changed())
                  .containsExactly(
                      new NodeChange(
                          WEBSOCKET_LISTENER,
                          "websocket-listener",
                          "/ws1",
                          List.of("z"),
                          new TabRef("global", "global", "global")));
            });
  }

  @Test
  void credentialsThatChangeAppearOrDisappearAreAPseudoProperty() {
    after.credentials().put(WEBSOCKET_CLIENT, "hmac-sha256:websocket-client-credentials-2");
    after.credentials().put(WEBSOCKET_LISTENER, "hmac-sha256:websocket-listener-credentials-1");
    before.credentials().put("6788839e.04576c", "hmac-sha256:inject-credentials-1");

    SnapshotDiff diff = diff();

    assertThat(diff)
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_WEBSOCKET,
                    "WebSocket",
                    List.of(),
                    List.of(),
                    List.of(
                        new NodeChange(
                            "6788839e.04576c", "inject", "", List.of("credentials"), null)),
                    List.of()),
                new TabDiff(
                    "global",
                    "global",
                    "global",
                    null,
                    TabStatus.UNCHANGED,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(
                        new NodeChange(
                            WEBSOCKET_LISTENER,
                            "websocket-listener",
                            "/ws1",
                            List.of("credentials"),
                            null),
                        new NodeChange(
                            WEBSOCKET_CLIENT,
                            "websocket-client",
                            "ws://localhost:1880/ws1",
                            List.of("credentials"),
                            null)),
                    List.of())));
  }

  @Test
  void envEntriesAddedRemovedAndChangedWithSecretsHidden() {
    after.env().put("LINE", EnvEntry.plain("4"));
    after.env().put("ERP_TOKEN", EnvEntry.secret("hmac-sha256:erp-token-fingerprint-2"));
    after.env().put("API_KEY", EnvEntry.secret("hmac-sha256:api-key-fingerprint-1"));
    after.env().put("DEBUG_LEVEL", EnvEntry.plain("info"));
    after.env().put("OLD_FLAG", EnvEntry.secret("hmac-sha256:old-flag-fingerprint-1"));
    after.env().remove("PLANT");
    before.env().put("SECRET_GONE", EnvEntry.secret("hmac-sha256:gone-fingerprint-1"));
    before.env().put("UNVEILED", EnvEntry.secret("hmac-sha256:unveiled-fingerprint-1"));
    after.env().put("UNVEILED", EnvEntry.plain("now-public"));

    SnapshotDiff diff = diff();

    assertThat(diff.tabs()).isEmpty();
    assertThat(diff.env())
        .isEqualTo(
            new Changes<>(
                List.of(
                    new EnvChange("API_KEY", true, null, null, null),
                    new EnvChange("DEBUG_LEVEL", false, null, null, "info")),
                List.of(
                    new EnvChange("PLANT", false, null, "Hamburg", null),
                    new EnvChange("SECRET_GONE", true, null, null, null)),
                List.of(
                    new EnvChange("ERP_TOKEN", true, null, null, null),
                    new EnvChange("LINE", false, null, "3", "4"),
                    new EnvChange("OLD_FLAG", true, false, null, null),
                    new EnvChange("UNVEILED", false, true, null, null))));
    assertThat(diff.changeCount()).isEqualTo(8);
  }

  @Test
  void aSecretWithAnUnchangedFingerprintIsUnchanged() {
    after.env().put("ERP_TOKEN", EnvEntry.secret("hmac-sha256:erp-token-fingerprint-1"));

    assertThat(diff().identical()).isTrue();
  }

  @Test
  void moduleVersionsAddedRemovedAndBumped() {
    after.modules().put("node-red-contrib-x", "1.1.0");
    after.modules().put("node-red-contrib-modbus", "5.43.0");
    after.modules().remove("node-red-dashboard");

    assertThat(diff())
        .isEqualTo(
            new SnapshotDiff(
                List.of(),
                noEnv(),
                new Changes<>(
                    List.of(new ModuleChange("node-red-contrib-modbus", null, "5.43.0")),
                    List.of(new ModuleChange("node-red-dashboard", "3.6.5", null)),
                    List.of(new ModuleChange("node-red-contrib-x", "1.0.0", "1.1.0"))),
                none()));
    assertThat(diff().changeCount()).isEqualTo(3);
  }

  @Test
  void settingsKeysWithTheirValuesExceptSensitiveOnes() {
    after.settings().put("httpNodeRoot", "/api");
    after.settings().put("credentialSecret", "settings-credential-secret-2");
    after.settings().putObject("contextStorage").putObject("default").put("module", "memory");
    after.settings().remove("uiPort");
    ((ObjectNode) after.settings().get("editorTheme").get("projects")).put("enabled", true);
    before.settings().putObject("httpNodeAuth").put("user", "line").put("pass", "$2b$08$abc");

    SnapshotDiff diff = diff();

    assertThat(diff.settings())
        .isEqualTo(
            new Changes<>(
                List.of(
                    new SettingChange(
                        "contextStorage",
                        null,
                        JSON.createObjectNode()
                            .set("default", JSON.createObjectNode().put("module", "memory")),
                        false)),
                List.of(
                    new SettingChange("httpNodeAuth", null, null, true),
                    new SettingChange(
                        "uiPort", JSON.getNodeFactory().numberNode(1880), null, false)),
                List.of(
                    new SettingChange("credentialSecret", null, null, true),
                    new SettingChange(
                        "editorTheme",
                        before.settings().get("editorTheme"),
                        after.settings().get("editorTheme"),
                        false),
                    new SettingChange(
                        "httpNodeRoot",
                        JSON.getNodeFactory().textNode("/"),
                        JSON.getNodeFactory().textNode("/api"),
                        false))));
    assertThat(diff.changeCount()).isEqualTo(6);
  }

  @Test
  void tabsAddedAndRemovedCarryTheirNodes() {
    List<ObjectNode> flows = after.flows();
    for (String id :
        List.of(
            TAB_WEBSOCKET,
            "13410716.69c9d9",
            "c2541f10.59544",
            "6788839e.04576c",
            "438c232a.06c2cc",
            "c88f97a9.4410f8")) {
      FlowFixtures.remove(flows, id);
    }
    flows.add(3, FlowFixtures.tab("3c9e4f1a2b7d8e05", "Line 2"));
    ObjectNode inject = JSON.createObjectNode();
    inject.put("id", "3c9e4f1a2b7d8e06").put("type", "inject").put("z", "3c9e4f1a2b7d8e05");
    inject.put("name", "tick").put("repeat", "5").put("x", 120).put("y", 80);
    inject.set("wires", wires("3c9e4f1a2b7d8e07"));
    ObjectNode debug = JSON.createObjectNode();
    debug.put("id", "3c9e4f1a2b7d8e07").put("type", "debug").put("z", "3c9e4f1a2b7d8e05");
    debug.put("x", 300).put("y", 80).set("wires", JSON.createArrayNode());
    flows.add(inject);
    flows.add(debug);

    SnapshotDiff diff = diff();

    assertThat(diff.tabs())
        .extracting(TabDiff::id, TabDiff::status, TabDiff::label)
        .containsExactly(
            tuple("3c9e4f1a2b7d8e05", TabStatus.ADDED, "Line 2"),
            tuple(TAB_WEBSOCKET, TabStatus.REMOVED, "WebSocket"));
    assertThat(diff.tabs().get(0).added())
        .containsExactly(
            new NodeRef("3c9e4f1a2b7d8e06", "inject", "tick"),
            new NodeRef("3c9e4f1a2b7d8e07", "debug", ""));
    assertThat(diff.tabs().get(1).removed())
        .containsExactly(
            new NodeRef("13410716.69c9d9", "websocket in", ""),
            new NodeRef("c2541f10.59544", "debug", ""),
            new NodeRef("6788839e.04576c", "inject", ""),
            new NodeRef("438c232a.06c2cc", "websocket out", ""),
            new NodeRef("c88f97a9.4410f8", "comment", "Connect to websocket in server"));
    assertThat(diff.changeCount()).isEqualTo(1 + 2 + 1 + 5);
  }

  @Test
  void groupsAreNodesOfTheirTabAndResizingOneIsAMove() {
    ObjectNode group = JSON.createObjectNode();
    group.put("id", "9d2e6b1c0a4f7e21").put("type", "group").put("z", TAB_JOIN);
    group.put("name", "first example").putArray("nodes").add(JOIN_INJECT).add(JOIN_TEMPLATE);
    group.put("x", 94).put("y", 119).put("w", 332).put("h", 82);
    before.flows().add(group);
    node(before.flows(), JOIN_INJECT).put("g", "9d2e6b1c0a4f7e21");
    node(before.flows(), JOIN_TEMPLATE).put("g", "9d2e6b1c0a4f7e21");
    Snapshot resized = before.copy();
    node(resized.flows(), "9d2e6b1c0a4f7e21").put("w", 400).put("h", 120);

    SnapshotDiff added = SnapshotDiffer.diff(FlowFixtures.snapshot().input(), before.input());
    SnapshotDiff moved = SnapshotDiffer.diff(before.input(), resized.input());

    assertThat(added)
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(new NodeRef("9d2e6b1c0a4f7e21", "group", "first example")),
                    List.of(),
                    List.of(
                        new NodeChange(JOIN_INJECT, "inject", "", List.of("g"), null),
                        new NodeChange(JOIN_TEMPLATE, "template", "data", List.of("g"), null)),
                    List.of())));
    assertThat(moved)
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(new NodeRef("9d2e6b1c0a4f7e21", "group", "first example")))));
  }

  @Test
  void subflowsAreTabsAndTheirInstancesAreNamedAfterThem() {
    ObjectNode subflow = JSON.createObjectNode();
    subflow.put("id", "b7c1d2e3f4a5b6c7").put("type", "subflow").put("name", "Scale");
    subflow.put("info", "").put("category", "").putArray("env");
    subflow.putArray("in").addObject().put("x", 60).put("y", 80).set("wires", portWires());
    subflow.putArray("out").addObject().put("x", 360).put("y", 80).set("wires", outWires());
    ObjectNode inner = JSON.createObjectNode();
    inner.put("id", "b7c1d2e3f4a5b6c8").put("type", "function").put("z", "b7c1d2e3f4a5b6c7");
    inner.put("name", "times 2").put("func", "msg.payload *= 2;\nreturn msg;");
    inner.put("outputs", 1).put("x", 200).put("y", 80).set("wires", wires());
    ObjectNode instance = JSON.createObjectNode();
    instance.put("id", "b7c1d2e3f4a5b6c9").put("type", "subflow:b7c1d2e3f4a5b6c7");
    instance.put("z", TAB_JOIN).put("x", 500).put("y", 960).set("wires", wires());
    before.flows().add(4, subflow);
    before.flows().addAll(List.of(inner, instance));
    Snapshot edited = before.copy();
    ObjectNode editedSubflow = node(edited.flows(), "b7c1d2e3f4a5b6c7");
    ((ObjectNode) editedSubflow.get("in").get(0)).put("x", 40);
    node(edited.flows(), "b7c1d2e3f4a5b6c8").put("func", "msg.payload *= 3;\nreturn msg;");
    node(edited.flows(), "b7c1d2e3f4a5b6c9").put("y", 1000);

    SnapshotDiff added = SnapshotDiffer.diff(FlowFixtures.snapshot().input(), before.input());
    SnapshotDiff changed = SnapshotDiffer.diff(before.input(), edited.input());

    assertThat(added.tabs())
        .extracting(TabDiff::id, TabDiff::type, TabDiff::status, TabDiff::added)
        .containsExactly(
            tuple(
                TAB_JOIN,
                "tab",
                TabStatus.UNCHANGED,
                List.of(new NodeRef("b7c1d2e3f4a5b6c9", "subflow:b7c1d2e3f4a5b6c7", "Scale"))),
            tuple(
                "b7c1d2e3f4a5b6c7",
                "subflow",
                TabStatus.ADDED,
                List.of(new NodeRef("b7c1d2e3f4a5b6c8", "function", "times 2"))));
    assertThat(changed)
        .isEqualTo(
            flowsOnly(
                tab(
                    TAB_JOIN,
                    "Join",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(new NodeRef("b7c1d2e3f4a5b6c9", "subflow:b7c1d2e3f4a5b6c7", "Scale"))),
                new TabDiff(
                    "b7c1d2e3f4a5b6c7",
                    "subflow",
                    "Scale",
                    null,
                    TabStatus.UNCHANGED,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(
                        new NodeChange(
                            "b7c1d2e3f4a5b6c8", "function", "times 2", List.of("func"), null)),
                    List.of(new NodeRef("b7c1d2e3f4a5b6c7", "subflow", "Scale")))));
  }

  private static JsonNode portWires() {
    return JSON.createArrayNode().add(JSON.createObjectNode().put("id", "b7c1d2e3f4a5b6c8"));
  }

  private static JsonNode outWires() {
    return JSON.createArrayNode()
        .add(JSON.createObjectNode().put("id", "b7c1d2e3f4a5b6c8").put("port", 0));
  }

  // --- everything at once --------------------------------------------------------------------

  /**
   * The edits of {@link SnapshotDiffSummaryTest#aDiffReadsAsOneLinePerTabAndSection}, applied to
   * {@code after}.
   */
  static void editEverything(Snapshot after) {
    List<ObjectNode> flows = after.flows();
    node(flows, TAB_1ST).put("label", "Line 1");
    ObjectNode tick = JSON.createObjectNode();
    tick.put("id", "a1b2c3d4e5f60001").put("type", "inject").put("z", TAB_1ST);
    tick.put("name", "tick").put("repeat", "1").put("payloadType", "date");
    tick.put("x", 140).put("y", 300).set("wires", wires("a1b2c3d4e5f60002"));
    ObjectNode debug = JSON.createObjectNode();
    debug.put("id", "a1b2c3d4e5f60002").put("type", "debug").put("z", TAB_1ST);
    debug.put("name", "").put("active", true).put("x", 320).put("y", 300);
    debug.set("wires", JSON.createArrayNode());
    flows.add(tick);
    flows.add(debug);

    node(flows, JOIN_INJECT).set("wires", wires("12b322b7.78f48d"));
    node(flows, JOIN_TEMPLATE).put("x", 360).put("y", 200);
    FlowFixtures.remove(flows, JOIN_DEBUG);
    node(flows, JOIN_JOIN).set("wires", wires());
    ObjectNode function = node(flows, JOIN_FUNCTION);
    function.put("func", function.get("func").asText().replace("Kiwi", "Mango"));
    node(flows, JOIN_CHANGE).put("z", TAB_2ND).put("x", 400).put("y", 320).set("wires", wires());
    node(flows, JOIN_CSV).set("wires", wires());

    after.credentials().put(WEBSOCKET_CLIENT, "hmac-sha256:websocket-client-credentials-2");

    after.env().put("LINE", EnvEntry.plain("4"));
    after.env().put("ERP_TOKEN", EnvEntry.secret("hmac-sha256:erp-token-fingerprint-2"));
    after.env().put("API_KEY", EnvEntry.secret("hmac-sha256:api-key-fingerprint-1"));
    after.env().put("DEBUG_LEVEL", EnvEntry.plain("info"));
    after.env().put("OLD_FLAG", EnvEntry.secret("hmac-sha256:old-flag-fingerprint-1"));
    after.env().remove("PLANT");

    after.modules().put("node-red-contrib-x", "1.1.0");

    after.settings().put("httpNodeRoot", "/api");
    after.settings().put("credentialSecret", "settings-credential-secret-2");
  }

  @Test
  void manyEditsAtOnceAreReportedExactlyAndNothingElse() throws Exception {
    editEverything(after);

    SnapshotDiff diff = diff();

    JsonNode expected =
        JSON.readTree(
            """
            {
              "identical": false,
              "changeCount": 19,
              "summary": %s,
              "tabs": [
                {
                  "id": "f51b8a1a.95b448", "type": "tab", "label": "Line 1",
                  "previousLabel": "TAB: 1st", "status": "changed", "properties": ["label"],
                  "added": [
                    {"id": "a1b2c3d4e5f60001", "type": "inject", "name": "tick"},
                    {"id": "a1b2c3d4e5f60002", "type": "debug", "name": ""}
                  ],
                  "removed": [], "changed": [], "moved": []
                },
                {
                  "id": "ec5fae59.42a3b", "type": "tab", "label": "TAB: 2nd",
                  "status": "unchanged", "properties": [], "added": [], "removed": [],
                  "changed": [
                    {"id": "39fd09fc.b87e66", "type": "change", "name": "set topic & payload",
                     "properties": ["wires", "x", "y", "z"],
                     "movedFrom": {"id": "65391466.6687ec", "type": "tab", "label": "Join"}}
                  ],
                  "moved": []
                },
                {
                  "id": "65391466.6687ec", "type": "tab", "label": "Join",
                  "status": "unchanged", "properties": [], "added": [],
                  "removed": [{"id": "e3e636ab.5c5068", "type": "debug", "name": ""}],
                  "changed": [
                    {"id": "7f104f68.aecff", "type": "inject", "name": "", "properties": ["wires"]},
                    {"id": "a4f5546e.28b268", "type": "join", "name": "", "properties": ["wires"]},
                    {"id": "f32b7544.10b328", "type": "function", "name": "set msg.complete",
                     "properties": ["func"]},
                    {"id": "89a32ebe.a92f1", "type": "csv", "name": "", "properties": ["wires"]}
                  ],
                  "moved": [{"id": "ed0381d3.e25fc", "type": "template", "name": "data"}]
                },
                {
                  "id": "global", "type": "global", "label": "global",
                  "status": "unchanged", "properties": [], "added": [], "removed": [],
                  "changed": [
                    {"id": "63620788.bda128", "type": "websocket-client",
                     "name": "ws://localhost:1880/ws1", "properties": ["credentials"]}
                  ],
                  "moved": []
                }
              ],
              "env": {
                "added": [
                  {"key": "API_KEY", "secret": true},
                  {"key": "DEBUG_LEVEL", "secret": false, "to": "info"}
                ],
                "removed": [{"key": "PLANT", "secret": false, "from": "Hamburg"}],
                "changed": [
                  {"key": "ERP_TOKEN", "secret": true},
                  {"key": "LINE", "secret": false, "from": "3", "to": "4"},
                  {"key": "OLD_FLAG", "secret": true, "secretBefore": false}
                ]
              },
              "modules": {
                "added": [], "removed": [],
                "changed": [{"name": "node-red-contrib-x", "from": "1.0.0", "to": "1.1.0"}]
              },
              "settings": {
                "added": [], "removed": [],
                "changed": [
                  {"key": "credentialSecret", "redacted": true},
                  {"key": "httpNodeRoot", "from": "/", "to": "/api"}
                ]
              }
            }
            """
                .formatted(JSON.writeValueAsString(diff.summary())));
    assertThat(JSON.readTree(JSON.writeValueAsString(diff))).isEqualTo(expected);
  }

  @Test
  void theResultDoesNotDependOnAnythingButTheInput() throws Exception {
    editEverything(after);

    assertThat(JSON.writeValueAsString(diff())).isEqualTo(JSON.writeValueAsString(diff()));
  }

  // --- size and bad input --------------------------------------------------------------------

  @Test
  void fiveThousandNodesAreComparedNodeByNode() {
    List<JsonNode> from = new ArrayList<>();
    List<ObjectNode> join = FlowFixtures.load("join-manual-mode.json");
    int copies = 81; // 81 × 62 = 5022 nodes
    for (int copy = 0; copy < copies; copy++) {
      String tab = "line-" + copy;
      from.add(FlowFixtures.tab(tab, "Line " + copy));
      for (ObjectNode node : join) {
        ObjectNode renamed = node.deepCopy();
        renamed.put("id", node.get("id").asText() + "-" + copy).put("z", tab);
        for (JsonNode port : renamed.get("wires")) {
          for (int i = 0; i < port.size(); i++) {
            ((ArrayNode) port).set(i, port.get(i).asText() + "-" + copy);
          }
        }
        from.add(renamed);
      }
    }
    List<JsonNode> to = new ArrayList<>();
    int changed = 0;
    int moved = 0;
    for (JsonNode node : from) {
      ObjectNode copy = node.deepCopy();
      String type = copy.get("type").asText();
      if (type.equals("template")) {
        copy.put("template", "Pear\nPlum");
        changed++;
      } else if (type.equals("debug")) {
        copy.put("x", copy.get("x").asInt() + 20);
        moved++;
      }
      to.add(copy);
    }
    Collections.reverse(to);

    SnapshotDiff diff = SnapshotDiffer.diff(DiffInput.ofFlows(from), DiffInput.ofFlows(to));

    assertThat(from).hasSizeGreaterThan(5000);
    assertThat(diff.tabs()).hasSize(copies);
    assertThat(diff.changeCount()).isEqualTo(changed).isEqualTo(7 * copies);
    assertThat(diff.tabs().stream().mapToInt(tab -> tab.moved().size()).sum())
        .isEqualTo(moved)
        .isEqualTo(7 * copies);
    assertThat(diff.tabs().get(0).id()).as("in the order of the to flows").isEqualTo("line-80");
    assertThat(diff.summary()).hasSizeLessThanOrEqualTo(SnapshotDiff.SUMMARY_MAX_LENGTH);
  }

  @Test
  void flowsThatAreNotNodeRedFlowsAreRefused() {
    List<JsonNode> duplicate = new ArrayList<>(FlowFixtures.flows());
    duplicate.add(FlowFixtures.tab(TAB_JOIN, "Join again"));
    List<JsonNode> noId = List.of(JSON.createObjectNode().put("type", "inject"));
    List<JsonNode> notObject = List.of(JSON.getNodeFactory().textNode("inject"));
    DiffInput fine = DiffInput.ofFlows(List.copyOf(FlowFixtures.flows()));

    assertThatThrownBy(() -> SnapshotDiffer.diff(fine, DiffInput.ofFlows(duplicate)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the flows of 'to' contain node id 65391466.6687ec more than once");
    assertThatThrownBy(() -> SnapshotDiffer.diff(DiffInput.ofFlows(noId), fine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flow element 0 of 'from' has no string id");
    assertThatThrownBy(() -> SnapshotDiffer.diff(fine, DiffInput.ofFlows(notObject)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flow element 0 of 'to' is not a JSON object");
    assertThatThrownBy(
            () ->
                SnapshotDiffer.diff(
                    fine, new DiffInput(List.of(), null, null, null, JSON.createArrayNode())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("settings of 'to' must be a JSON object");
  }

  @Test
  void emptyInputsAreEmptySnapshots() {
    SnapshotDiff diff =
        SnapshotDiffer.diff(
            new DiffInput(null, null, null, null, null), DiffInput.ofFlows(List.of()));

    assertThat(diff.identical()).isTrue();
  }
}
