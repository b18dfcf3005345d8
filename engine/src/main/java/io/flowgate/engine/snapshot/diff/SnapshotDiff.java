package io.flowgate.engine.snapshot.diff;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * What changed between two Node-RED snapshots, as {@link SnapshotDiffer#diff} computes it.
 *
 * <p>Serialised by Jackson as it is: besides the components, {@code identical}, {@code changeCount}
 * and {@code summary} are written (and ignored when read back). Lists are never null; tabs without
 * anything to report are left out. Secret env values and credentials never appear in it, neither in
 * the JSON nor in {@link #summary()}.
 *
 * @param tabs per tab, subflow definition, and the pseudo-tab {@value #GLOBAL} (configuration nodes
 *     without {@code z}): in the order of the {@code to} flows, then those only in {@code from}
 * @param env env entries by key; values only for entries that are not secret on either side
 * @param modules installed modules (npm name to version)
 * @param settings top-level settings keys
 */
@JsonPropertyOrder({"identical", "changeCount", "summary", "tabs", "env", "modules", "settings"})
@JsonIgnoreProperties(
    value = {"identical", "changeCount", "summary"},
    allowGetters = true)
public record SnapshotDiff(
    List<TabDiff> tabs,
    Changes<EnvChange> env,
    Changes<ModuleChange> modules,
    Changes<SettingChange> settings) {

  /** Id, type and label of the pseudo-tab that holds configuration nodes without {@code z}. */
  public static final String GLOBAL = "global";

  /** {@link #summary()} is at most this long. */
  public static final int SUMMARY_MAX_LENGTH = 1500;

  public SnapshotDiff {
    tabs = List.copyOf(tabs);
  }

  /**
   * How many things changed: node additions, removals and changes, tab (and subflow) additions,
   * removals and changes, env entries, modules and settings keys. Position-only moves are not
   * counted.
   */
  @JsonProperty("changeCount")
  public int changeCount() {
    int count = env.size() + modules.size() + settings.size();
    for (TabDiff tab : tabs) {
      count += tab.changeCount();
    }
    return count;
  }

  /** True when nothing changed at all, not even a node's position. */
  @JsonProperty("identical")
  public boolean identical() {
    return changeCount() == 0 && tabs.stream().allMatch(tab -> tab.moved().isEmpty());
  }

  /**
   * Plain English for the approval form: one line per tab with changes, then one each for env,
   * modules and settings, separated by {@code \n}; {@code "No changes."} when {@link #identical()}.
   * At most {@value #SUMMARY_MAX_LENGTH} characters: what does not fit is cut and counted ({@code
   * "… and 12 more changes."}). Names are quoted with {@code "} and {@code \} escaped and line
   * breaks written as {@code \n}, so no name can break a line or a quote; HTML escaping is the
   * renderer's job.
   */
  @JsonProperty("summary")
  public String summary() {
    return Summary.of(this, SUMMARY_MAX_LENGTH);
  }

  /** Whether a tab (or subflow definition) itself was added, removed or changed. */
  public enum TabStatus {
    ADDED,
    REMOVED,
    CHANGED,
    UNCHANGED;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One tab, subflow definition or the pseudo-tab {@value #GLOBAL}.
   *
   * @param id the tab's id ({@value #GLOBAL} for the pseudo-tab)
   * @param type {@code tab}, {@code subflow} or {@value #GLOBAL}; {@code tab} also for a {@code z}
   *     whose tab node is in neither snapshot
   * @param label the tab's {@code label} (a subflow's {@code name}) in {@code to}, else in {@code
   *     from}; empty if it has none
   * @param previousLabel the label in {@code from} when it changed, else absent
   * @param status whether the tab's own node was added, removed, changed or not
   * @param properties for a changed tab, the sorted names of its own properties that differ ({@code
   *     credentials} for its credentials)
   * @param added nodes only in {@code to}, in the order of the {@code to} flows
   * @param removed nodes only in {@code from}, in the order of the {@code from} flows
   * @param changed nodes in both that differ in more than their position, in {@code to} order
   * @param moved nodes whose position ({@code x}, {@code y}; for groups also {@code w}, {@code h})
   *     is all that changed, in {@code to} order; for a subflow, its own id when only its ports
   *     moved
   */
  public record TabDiff(
      String id,
      String type,
      String label,
      @JsonInclude(JsonInclude.Include.NON_NULL) String previousLabel,
      TabStatus status,
      List<String> properties,
      List<NodeRef> added,
      List<NodeRef> removed,
      List<NodeChange> changed,
      List<NodeRef> moved) {

    public TabDiff {
      properties = List.copyOf(properties);
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
      moved = List.copyOf(moved);
    }

    /** Additions, removals and changes of nodes, plus one if the tab itself changed. */
    public int changeCount() {
      return (status == TabStatus.UNCHANGED ? 0 : 1)
          + added.size()
          + removed.size()
          + changed.size();
    }
  }

  /**
   * A node: its id, type and name ({@code name}, else a label-like property such as {@code label},
   * {@code url}, {@code path} or {@code topic}, for a subflow instance its subflow's name; else
   * empty).
   */
  public record NodeRef(String id, String type, String name) {}

  /**
   * A node in both snapshots that differs in more than its position.
   *
   * @param properties sorted names of the properties that differ (position ones included when they
   *     differ too); {@code credentials} when its credentials changed, appeared or disappeared
   * @param movedFrom the tab it was on before when it moved to another tab (then {@code properties}
   *     holds {@code z}), else absent
   */
  public record NodeChange(
      String id,
      String type,
      String name,
      List<String> properties,
      @JsonInclude(JsonInclude.Include.NON_NULL) TabRef movedFrom) {

    public NodeChange {
      properties = List.copyOf(properties);
    }
  }

  /** Which tab: id, type ({@code tab}, {@code subflow}, {@value #GLOBAL}) and label. */
  public record TabRef(String id, String type, String label) {}

  /** Entries only in {@code to}, only in {@code from}, and in both but different; by key. */
  public record Changes<T>(List<T> added, List<T> removed, List<T> changed) {

    public Changes {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
    }

    public int size() {
      return added.size() + removed.size() + changed.size();
    }
  }

  /**
   * An env entry.
   *
   * @param secret whether the entry is secret (in {@code to}; for a removed entry in {@code from})
   * @param secretBefore present only when the entry changed between secret and not secret: what it
   *     was in {@code from}
   * @param from the old value, only when the entry is not secret on either side
   * @param to the new value, only when the entry is not secret on either side
   */
  public record EnvChange(
      String key,
      boolean secret,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean secretBefore,
      @JsonInclude(JsonInclude.Include.NON_NULL) String from,
      @JsonInclude(JsonInclude.Include.NON_NULL) String to) {}

  /** A module (npm name) with its version before ({@code from}) and after ({@code to}). */
  public record ModuleChange(
      String name,
      @JsonInclude(JsonInclude.Include.NON_NULL) String from,
      @JsonInclude(JsonInclude.Include.NON_NULL) String to) {}

  /**
   * A top-level settings key with its value before and after (absent on the side it is missing
   * from).
   *
   * @param redacted true when the key, or a field name inside its value, looks like it holds a
   *     secret ({@code credentialSecret}, {@code adminAuth}, {@code https}, …): then neither value
   *     is given
   */
  public record SettingChange(
      String key,
      @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode from,
      @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode to,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean redacted) {}
}
