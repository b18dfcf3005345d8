package io.flowgate.engine.snapshot.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.snapshot.diff.DiffInput.EnvEntry;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.Changes;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.EnvChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.ModuleChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeRef;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.SettingChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabDiff;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabRef;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * Compares two Node-RED snapshots (or a snapshot and a live instance): flows node by node, env,
 * modules, credentials (by fingerprint) and settings. Pure and thread-safe; linear in the size of
 * the flows.
 *
 * <p>Nodes are matched by {@code id}. A node's tab is its {@code z}; tabs and subflow definitions
 * are tabs of their own, and nodes without {@code z} (global configuration nodes) belong to the
 * pseudo-tab {@value SnapshotDiff#GLOBAL}. Properties are compared as JSON: object key order does
 * not matter, array order (such as {@code wires}) does, and numbers are compared by value. The
 * order of the nodes in the flows is not compared.
 */
public final class SnapshotDiffer {

  /** The property that holds a node's tab. */
  static final String Z = "z";

  /** The pseudo-property of a node whose credentials changed. */
  static final String CREDENTIALS = "credentials";

  private static final Set<String> POSITION = Set.of("x", "y");
  private static final Set<String> GROUP_POSITION = Set.of("x", "y", "w", "h");

  /** Where a node's name comes from when it has no {@code name}, in this order. */
  private static final List<String> LABEL_LIKE =
      List.of("label", "url", "path", "broker", "topic", "filename", "command");

  /** Settings keys (or field names inside their values) whose values are never shown. */
  private static final Pattern SENSITIVE =
      Pattern.compile(
          "secret|passw|token|auth|credential|key|cert|https|private|salt|hash",
          Pattern.CASE_INSENSITIVE);

  /** Internal key of the pseudo-tab; no node id can collide with it. */
  private static final String GLOBAL_KEY = "\u0000" + SnapshotDiff.GLOBAL;

  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> a.equals(b) || (a.isNumber() && b.isNumber() && sameNumber(a, b)) ? 0 : 1;

  private SnapshotDiffer() {}

  /**
   * What changed from {@code from} to {@code to}.
   *
   * @throws IllegalArgumentException when the flows are not Node-RED flows: an element that is not
   *     an object, has no string {@code id}, or repeats an id; or when the settings are not an
   *     object
   */
  public static SnapshotDiff diff(DiffInput from, DiffInput to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Side before = new Side(from, "from");
    Side after = new Side(to, "to");
    return new SnapshotDiff(
        tabs(before, after),
        env(from.env(), to.env()),
        compareMaps(
            from.modules(),
            to.modules(),
            Objects::equals,
            (name, version) -> new ModuleChange(name, null, version),
            (name, version) -> new ModuleChange(name, version, null),
            (name, a, b) -> new ModuleChange(name, a, b)),
        settings(before.settings, after.settings));
  }

  // --- flows ---------------------------------------------------------------------------------

  private static List<TabDiff> tabs(Side before, Side after) {
    Map<String, TabBuilder> tabs = new LinkedHashMap<>();
    for (String key : after.tabOrder) {
      tabs.put(key, new TabBuilder(key));
    }
    for (String key : before.tabOrder) {
      tabs.computeIfAbsent(key, TabBuilder::new);
    }

    for (JsonNode node : after.nodes.values()) {
      String id = node.get("id").asText();
      TabBuilder tab = tabs.get(after.tabOf(node));
      JsonNode old = before.nodes.get(id);
      if (old == null) {
        tab.added.add(after.ref(node));
        continue;
      }
      List<String> properties = differingProperties(old, node, before, after, id);
      if (properties.isEmpty()) {
        continue;
      }
      if (positionOnly(properties, old, node)) {
        tab.moved.add(after.ref(node));
        continue;
      }
      String oldTab = before.tabOf(old);
      TabRef movedFrom = oldTab.equals(after.tabOf(node)) ? null : before.tabRef(oldTab, after);
      tab.changed.add(new NodeChange(id, type(node), after.nameOf(node), properties, movedFrom));
    }
    for (JsonNode node : before.nodes.values()) {
      if (!after.nodes.containsKey(node.get("id").asText())) {
        tabs.get(before.tabOf(node)).removed.add(before.ref(node));
      }
    }

    List<TabDiff> result = new ArrayList<>();
    for (TabBuilder tab : tabs.values()) {
      TabDiff diff = tab.build(before, after);
      if (diff.status() != TabStatus.UNCHANGED
          || !diff.added().isEmpty()
          || !diff.removed().isEmpty()
          || !diff.changed().isEmpty()
          || !diff.moved().isEmpty()) {
        result.add(diff);
      }
    }
    return result;
  }

  /** Sorted names of the top-level properties (and {@code credentials}) that differ. */
  private static List<String> differingProperties(
      JsonNode a, JsonNode b, Side before, Side after, String id) {
    Set<String> names = new TreeSet<>();
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      JsonNode other = b.get(field.getKey());
      if (other == null || !same(field.getValue(), other)) {
        names.add(field.getKey());
      }
    }
    for (Map.Entry<String, JsonNode> field : b.properties()) {
      if (!a.has(field.getKey())) {
        names.add(field.getKey());
      }
    }
    names.remove("id");
    if (!Objects.equals(before.credentials.get(id), after.credentials.get(id))) {
      names.add(CREDENTIALS);
    }
    return List.copyOf(names);
  }

  private static boolean positionOnly(List<String> properties, JsonNode a, JsonNode b) {
    Set<String> position =
        "group".equals(type(a)) && "group".equals(type(b)) ? GROUP_POSITION : POSITION;
    return position.containsAll(properties);
  }

  /**
   * A subflow definition whose ports ({@code in}, {@code out}, {@code status}) differ only in their
   * {@code x}/{@code y}.
   */
  private static boolean onlySubflowPortsMoved(JsonNode a, JsonNode b, List<String> properties) {
    if (properties.isEmpty() || !Set.of("in", "out", "status").containsAll(properties)) {
      return false;
    }
    for (String port : properties) {
      if (!same(withoutPositions(a.get(port)), withoutPositions(b.get(port)))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode withoutPositions(JsonNode ports) {
    if (ports == null) {
      return null;
    }
    JsonNode copy = ports.deepCopy();
    if (copy instanceof ArrayNode array) {
      array.forEach(port -> stripPosition(port));
    } else {
      stripPosition(copy);
    }
    return copy;
  }

  private static void stripPosition(JsonNode port) {
    if (port instanceof ObjectNode object) {
      object.remove(POSITION);
    }
  }

  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    if (!Double.isFinite(a.doubleValue()) || !Double.isFinite(b.doubleValue())) {
      return a.doubleValue() == b.doubleValue();
    }
    try {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0;
    } catch (NumberFormatException e) {
      return a.doubleValue() == b.doubleValue();
    }
  }

  static String type(JsonNode node) {
    return text(node.get("type"));
  }

  private static String text(JsonNode value) {
    return value != null && value.isValueNode() && !value.isNull() ? value.asText() : "";
  }

  private static boolean isTabDefinition(JsonNode node) {
    String type = type(node);
    return "tab".equals(type) || "subflow".equals(type);
  }

  /** The tab's label: a tab's {@code label}, a subflow's {@code name}. */
  private static String tabLabel(JsonNode definition) {
    return text(definition.get("subflow".equals(type(definition)) ? "name" : "label"));
  }

  /** Collects one tab's findings. */
  private static final class TabBuilder {
    final String key;
    final List<NodeRef> added = new ArrayList<>();
    final List<NodeRef> removed = new ArrayList<>();
    final List<NodeChange> changed = new ArrayList<>();
    final List<NodeRef> moved = new ArrayList<>();

    TabBuilder(String key) {
      this.key = key;
    }

    TabDiff build(Side before, Side after) {
      if (key.equals(GLOBAL_KEY)) {
        return diff(
            SnapshotDiff.GLOBAL,
            SnapshotDiff.GLOBAL,
            SnapshotDiff.GLOBAL,
            null,
            TabStatus.UNCHANGED,
            List.of());
      }
      JsonNode old = before.definitions.get(key);
      JsonNode now = after.definitions.get(key);
      JsonNode shown = now != null ? now : old;
      String type = shown != null ? type(shown) : "tab";
      String label = shown != null ? tabLabel(shown) : "";
      if (old == null && now == null) {
        return diff(key, type, label, null, TabStatus.UNCHANGED, List.of());
      }
      if (old == null) {
        return diff(key, type, label, null, TabStatus.ADDED, List.of());
      }
      if (now == null) {
        return diff(key, type, label, null, TabStatus.REMOVED, List.of());
      }
      List<String> properties = differingProperties(old, now, before, after, key);
      if (properties.isEmpty()) {
        return diff(key, type, label, null, TabStatus.UNCHANGED, List.of());
      }
      if ("subflow".equals(type(old))
          && "subflow".equals(type)
          && onlySubflowPortsMoved(old, now, properties)) {
        moved.addFirst(new NodeRef(key, type, label));
        return diff(key, type, label, null, TabStatus.UNCHANGED, List.of());
      }
      String oldLabel = tabLabel(old);
      return diff(
          key,
          type,
          label,
          oldLabel.equals(label) ? null : oldLabel,
          TabStatus.CHANGED,
          properties);
    }

    private TabDiff diff(
        String id,
        String type,
        String label,
        String previousLabel,
        TabStatus status,
        List<String> properties) {
      return new TabDiff(
          id, type, label, previousLabel, status, properties, added, removed, changed, moved);
    }
  }

  /** One side's flows, indexed. */
  private static final class Side {
    /** Tabs and subflow definitions by id. */
    final Map<String, JsonNode> definitions = new LinkedHashMap<>();

    /** All other nodes by id, in flow order. */
    final Map<String, JsonNode> nodes = new LinkedHashMap<>();

    /** Tab keys in the order they first appear in the flows. */
    final Set<String> tabOrder = new LinkedHashSet<>();

    /** Subflow names by id, for the names of subflow instances. */
    final Map<String, String> subflowNames = new HashMap<>();

    final Map<String, String> credentials;
    final JsonNode settings;

    Side(DiffInput input, String side) {
      credentials = input.credentialFingerprints();
      settings = input.settings();
      if (!settings.isObject()) {
        throw new IllegalArgumentException(
            "the settings of '" + side + "' must be a JSON object, not " + settings.getNodeType());
      }
      int index = 0;
      for (JsonNode node : input.flows()) {
        if (node == null || !node.isObject()) {
          throw new IllegalArgumentException(
              "flow element " + index + " of '" + side + "' is not a JSON object");
        }
        JsonNode id = node.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
          throw new IllegalArgumentException(
              "flow element " + index + " of '" + side + "' has no string id");
        }
        String key = id.asText();
        if (definitions.containsKey(key) || nodes.containsKey(key)) {
          throw new IllegalArgumentException(
              "the flows of '" + side + "' contain node id " + key + " more than once");
        }
        if (isTabDefinition(node)) {
          definitions.put(key, node);
          if ("subflow".equals(type(node))) {
            subflowNames.put(key, tabLabel(node));
          }
        } else {
          nodes.put(key, node);
        }
        tabOrder.add(tabOf(node));
        index++;
      }
    }

    /** The internal key of the tab a node is shown under. */
    String tabOf(JsonNode node) {
      if (isTabDefinition(node)) {
        return node.get("id").asText();
      }
      String z = text(node.get(Z));
      return z.isEmpty() ? GLOBAL_KEY : z;
    }

    /** A tab as this side knows it, or as the other side does if this one has no definition. */
    TabRef tabRef(String key, Side other) {
      if (key.equals(GLOBAL_KEY)) {
        return new TabRef(SnapshotDiff.GLOBAL, SnapshotDiff.GLOBAL, SnapshotDiff.GLOBAL);
      }
      JsonNode definition = definitions.getOrDefault(key, other.definitions.get(key));
      return definition == null
          ? new TabRef(key, "tab", "")
          : new TabRef(key, type(definition), tabLabel(definition));
    }

    NodeRef ref(JsonNode node) {
      return new NodeRef(node.get("id").asText(), type(node), nameOf(node));
    }

    String nameOf(JsonNode node) {
      String name = text(node.get("name"));
      if (!name.isBlank()) {
        return name;
      }
      for (String property : LABEL_LIKE) {
        String label = text(node.get(property));
        if (!label.isBlank()) {
          return label;
        }
      }
      String type = type(node);
      if (type.startsWith("subflow:")) {
        return subflowNames.getOrDefault(type.substring("subflow:".length()), "");
      }
      return "";
    }
  }

  // --- env, modules, settings ----------------------------------------------------------------

  private static Changes<EnvChange> env(Map<String, EnvEntry> from, Map<String, EnvEntry> to) {
    return compareMaps(
        from,
        to,
        (a, b) -> a.secret() == b.secret() && Objects.equals(a.value(), b.value()),
        (key, entry) -> new EnvChange(key, entry.secret(), null, null, shown(entry)),
        (key, entry) -> new EnvChange(key, entry.secret(), null, shown(entry), null),
        (key, a, b) -> {
          boolean visible = !a.secret() && !b.secret();
          return new EnvChange(
              key,
              b.secret(),
              a.secret() == b.secret() ? null : a.secret(),
              visible ? a.value() : null,
              visible ? b.value() : null);
        });
  }

  private static String shown(EnvEntry entry) {
    return entry.secret() ? null : entry.value();
  }

  private static Changes<SettingChange> settings(JsonNode from, JsonNode to) {
    Map<String, JsonNode> before = new LinkedHashMap<>();
    from.properties().forEach(field -> before.put(field.getKey(), field.getValue()));
    Map<String, JsonNode> after = new LinkedHashMap<>();
    to.properties().forEach(field -> after.put(field.getKey(), field.getValue()));
    return compareMaps(
        before,
        after,
        SnapshotDiffer::same,
        (key, value) -> setting(key, null, value),
        (key, value) -> setting(key, value, null),
        SnapshotDiffer::setting);
  }

  private static SettingChange setting(String key, JsonNode from, JsonNode to) {
    boolean redacted = sensitive(key) || sensitiveInside(from) || sensitiveInside(to);
    return redacted
        ? new SettingChange(key, null, null, true)
        : new SettingChange(key, from, to, false);
  }

  private static boolean sensitive(String name) {
    return SENSITIVE.matcher(name).find();
  }

  private static boolean sensitiveInside(JsonNode value) {
    if (value == null) {
      return false;
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      if (sensitive(field.getKey()) || sensitiveInside(field.getValue())) {
        return true;
      }
    }
    if (value.isArray()) {
      for (JsonNode element : value) {
        if (sensitiveInside(element)) {
          return true;
        }
      }
    }
    return false;
  }

  private interface Changed<V, T> {
    T of(String key, V from, V to);
  }

  /** Compares two maps (without null values) by key; each list in key order. */
  private static <V, T> Changes<T> compareMaps(
      Map<String, V> from,
      Map<String, V> to,
      BiPredicate<V, V> same,
      BiFunction<String, V, T> added,
      BiFunction<String, V, T> removed,
      Changed<V, T> changed) {
    Set<String> keys = new TreeSet<>(from.keySet());
    keys.addAll(to.keySet());
    List<T> addedList = new ArrayList<>();
    List<T> removedList = new ArrayList<>();
    List<T> changedList = new ArrayList<>();
    for (String key : keys) {
      boolean wasThere = from.containsKey(key);
      boolean isThere = to.containsKey(key);
      V a = from.get(key);
      V b = to.get(key);
      if (!wasThere) {
        addedList.add(added.apply(key, b));
      } else if (!isThere) {
        removedList.add(removed.apply(key, a));
      } else if (!same.test(a, b)) {
        changedList.add(changed.of(key, a, b));
      }
    }
    return new Changes<>(addedList, removedList, changedList);
  }
}
