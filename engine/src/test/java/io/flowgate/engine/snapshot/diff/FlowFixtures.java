package io.flowgate.engine.snapshot.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.snapshot.diff.DiffInput.EnvEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A realistic snapshot built from Node-RED's own example flows (see {@code flows/README.md}): the
 * two tabs of "Link across tabs", the "Manual join mode" example on a tab "Join", and the websocket
 * example on a tab "WebSocket" with its two global config nodes. Ordered as the editor exports:
 * tabs first, then nodes.
 */
final class FlowFixtures {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String TAB_1ST = "f51b8a1a.95b448";
  static final String TAB_2ND = "ec5fae59.42a3b";
  static final String TAB_JOIN = "65391466.6687ec";
  static final String TAB_WEBSOCKET = "a8360b47.074ec8";

  static final String WEBSOCKET_CLIENT = "63620788.bda128";
  static final String WEBSOCKET_LISTENER = "89db22b6.9aa36";

  private FlowFixtures() {}

  /** The snapshot's flows; a fresh copy on every call, free to edit. */
  static List<ObjectNode> flows() {
    List<ObjectNode> tabs = new ArrayList<>();
    List<ObjectNode> nodes = new ArrayList<>();
    for (ObjectNode node : load("link-across-tabs.json")) {
      ("tab".equals(node.path("type").asText()) ? tabs : nodes).add(node);
    }
    tabs.add(tab(TAB_JOIN, "Join"));
    tabs.add(tab(TAB_WEBSOCKET, "WebSocket"));
    nodes.addAll(load("join-manual-mode.json"));
    nodes.addAll(load("websocket-in-server.json"));
    List<ObjectNode> flows = new ArrayList<>(tabs);
    flows.addAll(nodes);
    return flows;
  }

  /** The whole snapshot: flows plus env, modules, credentials and settings. */
  static Snapshot snapshot() {
    Map<String, EnvEntry> env = new LinkedHashMap<>();
    env.put("LINE", EnvEntry.plain("3"));
    env.put("PLANT", EnvEntry.plain("Hamburg"));
    env.put("OLD_FLAG", EnvEntry.plain("on"));
    env.put("ERP_TOKEN", EnvEntry.secret("hmac-sha256:erp-token-fingerprint-1"));
    Map<String, String> modules = new LinkedHashMap<>();
    modules.put("node-red", "4.1.8");
    modules.put("node-red-contrib-x", "1.0.0");
    modules.put("node-red-dashboard", "3.6.5");
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put(WEBSOCKET_CLIENT, "hmac-sha256:websocket-client-credentials-1");
    ObjectNode settings = JSON.createObjectNode();
    settings.put("httpNodeRoot", "/");
    settings.put("uiPort", 1880);
    settings.put("credentialSecret", "settings-credential-secret-1");
    settings.putObject("editorTheme").putObject("projects").put("enabled", false);
    return new Snapshot(flows(), env, modules, credentials, settings);
  }

  static ObjectNode tab(String id, String label) {
    ObjectNode tab = JSON.createObjectNode();
    tab.put("id", id).put("type", "tab").put("label", label).put("disabled", false);
    tab.put("info", "").putArray("env");
    return tab;
  }

  static ObjectNode node(List<ObjectNode> flows, String id) {
    return flows.stream()
        .filter(node -> id.equals(node.path("id").asText()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(id));
  }

  static void remove(List<ObjectNode> flows, String id) {
    if (!flows.remove(node(flows, id))) {
      throw new NoSuchElementException(id);
    }
  }

  /** {@code [[target, …]]}: a node's wires with one output. */
  static ArrayNode wires(String... targets) {
    ArrayNode wires = JSON.createArrayNode();
    ArrayNode port = wires.addArray();
    for (String target : targets) {
      port.add(target);
    }
    return wires;
  }

  static List<ObjectNode> load(String name) {
    try (InputStream in = FlowFixtures.class.getResourceAsStream("/flows/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource flows/" + name);
      }
      List<ObjectNode> nodes = new ArrayList<>();
      for (JsonNode node : JSON.readTree(in)) {
        nodes.add((ObjectNode) node);
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A snapshot under edit: every part is a mutable deep copy. */
  record Snapshot(
      List<ObjectNode> flows,
      Map<String, EnvEntry> env,
      Map<String, String> modules,
      Map<String, String> credentials,
      ObjectNode settings) {

    Snapshot copy() {
      List<ObjectNode> flowsCopy = new ArrayList<>();
      flows.forEach(node -> flowsCopy.add(node.deepCopy()));
      return new Snapshot(
          flowsCopy,
          new LinkedHashMap<>(env),
          new LinkedHashMap<>(modules),
          new LinkedHashMap<>(credentials),
          settings.deepCopy());
    }

    DiffInput input() {
      return new DiffInput(List.<JsonNode>copyOf(flows), env, modules, credentials, settings);
    }
  }
}
