package io.flowgate.engine.snapshot.diff;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.EnvChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.ModuleChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.NodeRef;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.SettingChange;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabDiff;
import io.flowgate.engine.snapshot.diff.SnapshotDiff.TabRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes {@link SnapshotDiff#summary()}: one line per tab with changes, then env, modules and
 * settings, each line one sentence. Node properties are named as in the JSON, except that {@code d}
 * reads "disabled", {@code g} "group", {@code x}/{@code y}/{@code w}/{@code h} together "position",
 * and {@code z} "moved here from tab …". When the whole does not fit, as many items as fit are
 * written in order and the rest is counted in a last line, {@code "… and N more changes."}.
 */
final class Summary {

  static final String NO_CHANGES = "No changes.";

  private static final int NAME_LENGTH = 50;
  private static final int VALUE_LENGTH = 40;
  private static final Set<String> POSITION = Set.of("x", "y", "w", "h");

  /** Node-RED's one-letter node properties, as the summary names them. */
  private static final Map<String, String> READABLE = Map.of("d", "disabled", "g", "group");

  private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9._:/@+%-]{1,40}");

  private Summary() {}

  /** A piece of text that stands for {@code weight} changes. */
  private record Item(String text, int weight) {}

  /** Items written as {@code lead + item + separator + item … + close}. */
  private record Segment(String lead, String separator, String close, List<Item> items) {}

  /**
   * {@code header: segment, segment.}; a header with a weight is an item of its own, one without is
   * written only with the line's first item.
   */
  private record Line(Item header, List<Segment> segments) {
    int items() {
      int count = header.weight() > 0 ? 1 : 0;
      for (Segment segment : segments) {
        count += segment.items().size();
      }
      return count;
    }

    int weight() {
      int weight = header.weight();
      for (Segment segment : segments) {
        for (Item item : segment.items()) {
          weight += item.weight();
        }
      }
      return weight;
    }
  }

  static String of(SnapshotDiff diff, int maxLength) {
    if (diff.identical()) {
      return NO_CHANGES;
    }
    List<Line> lines = lines(diff);
    int items = 0;
    int weight = 0;
    for (Line line : lines) {
      items += line.items();
      weight += line.weight();
    }
    String full = render(lines, items, weight);
    if (full.length() <= maxLength) {
      return full;
    }
    // Every item takes at least one character, so no more than maxLength of them can fit.
    int low = 0;
    int high = Math.min(items, maxLength);
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (render(lines, middle, weight).length() <= maxLength) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return render(lines, low, weight);
  }

  /** The first {@code limit} items of the lines, and a count of the changes left out. */
  private static String render(List<Line> lines, int limit, int totalWeight) {
    StringBuilder out = new StringBuilder();
    int left = limit;
    int written = 0;
    for (Line line : lines) {
      if (left == 0) {
        break;
      }
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(line.header().text());
      if (line.header().weight() > 0) {
        left--;
        written += line.header().weight();
      }
      boolean first = true;
      for (Segment segment : line.segments()) {
        if (left == 0) {
          break;
        }
        out.append(first ? ": " : ", ").append(segment.lead());
        first = false;
        List<Item> items = segment.items();
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            out.append(segment.separator());
          }
          if (left == 0) {
            out.append('…');
            break;
          }
          out.append(items.get(i).text());
          left--;
          written += items.get(i).weight();
        }
        out.append(segment.close());
      }
      out.append('.');
    }
    int omitted = totalWeight - written;
    if (omitted > 0) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append("… and ")
          .append(omitted)
          .append(omitted == 1 ? " more change." : " more changes.");
    }
    return out.toString();
  }

  // --- lines ---------------------------------------------------------------------------------

  private static List<Line> lines(SnapshotDiff diff) {
    List<Line> lines = new ArrayList<>();
    for (TabDiff tab : diff.tabs()) {
      lines.add(tabLine(tab));
    }
    addLine(lines, "Env", envItems(diff));
    addLine(lines, "Modules", moduleItems(diff));
    addLine(lines, "Settings", settingItems(diff));
    return lines;
  }

  private static void addLine(List<Line> lines, String header, List<Item> items) {
    if (!items.isEmpty()) {
      lines.add(new Line(new Item(header, 0), List.of(new Segment("", "; ", "", items))));
    }
  }

  private static Line tabLine(TabDiff tab) {
    List<Segment> segments = new ArrayList<>();
    nodes(segments, "added", ", ", tab.added(), Summary::node);
    nodes(segments, "changed", "; ", tab.changed(), Summary::changedNode);
    nodes(segments, "removed", ", ", tab.removed(), Summary::node);
    if (!tab.moved().isEmpty()) {
      int moved = tab.moved().size();
      segments.add(
          new Segment("", "", "", List.of(new Item(moved + " moved (position only)", moved))));
    }
    return new Line(tabHeader(tab), segments);
  }

  private static <T> void nodes(
      List<Segment> segments,
      String verb,
      String separator,
      List<T> nodes,
      Function<T, String> text) {
    if (nodes.isEmpty()) {
      return;
    }
    List<Item> items = new ArrayList<>(nodes.size());
    for (T node : nodes) {
      items.add(new Item(text.apply(node), 1));
    }
    segments.add(new Segment(nodes.size() + " " + verb + " (", separator, ")", items));
  }

  private static Item tabHeader(TabDiff tab) {
    if (SnapshotDiff.GLOBAL.equals(tab.type())) {
      return new Item("Global config nodes", 0);
    }
    String kind = "subflow".equals(tab.type()) ? "subflow" : "tab";
    String name = tab.label().isEmpty() ? plain(tab.id(), NAME_LENGTH) : quote(tab.label());
    return switch (tab.status()) {
      case ADDED -> new Item("New " + kind + " " + name, 1);
      case REMOVED -> new Item("Removed " + kind + " " + name, 1);
      case CHANGED -> new Item(capital(kind) + " " + name + " changed (" + own(tab) + ")", 1);
      case UNCHANGED -> new Item(capital(kind) + " " + name, 0);
    };
  }

  /** A changed tab's own properties; a new label reads as "renamed from". */
  private static String own(TabDiff tab) {
    String labelProperty = "subflow".equals(tab.type()) ? "name" : "label";
    List<String> parts = new ArrayList<>();
    for (String property : tab.properties()) {
      parts.add(
          property.equals(labelProperty) && tab.previousLabel() != null
              ? "renamed from " + quote(tab.previousLabel())
              : plain(property, NAME_LENGTH));
    }
    return String.join(", ", parts);
  }

  private static String node(NodeRef node) {
    return node(node.type(), node.name());
  }

  private static String node(String type, String name) {
    String shownType = type.startsWith("subflow:") ? "subflow" : plain(type, NAME_LENGTH);
    return name.isEmpty() ? shownType : shownType + " " + quote(name);
  }

  private static String changedNode(NodeChange node) {
    Set<String> parts = new LinkedHashSet<>();
    for (String property : node.properties()) {
      if (POSITION.contains(property)) {
        continue;
      }
      if (property.equals(SnapshotDiffer.Z) && node.movedFrom() != null) {
        parts.add("moved here from " + tab(node.movedFrom()));
      } else {
        parts.add(READABLE.getOrDefault(property, plain(property, NAME_LENGTH)));
      }
    }
    if (node.properties().stream().anyMatch(POSITION::contains)) {
      parts.add("position");
    }
    return node(node.type(), node.name()) + ": " + String.join(", ", parts);
  }

  private static String tab(TabRef tab) {
    if (SnapshotDiff.GLOBAL.equals(tab.type())) {
      return "global config";
    }
    String kind = "subflow".equals(tab.type()) ? "subflow" : "tab";
    return kind + " " + (tab.label().isEmpty() ? plain(tab.id(), NAME_LENGTH) : quote(tab.label()));
  }

  private static List<Item> envItems(SnapshotDiff diff) {
    List<Item> items = new ArrayList<>();
    for (EnvChange entry : diff.env().added()) {
      String key = plain(entry.key(), NAME_LENGTH);
      items.add(
          new Item(
              entry.secret() ? key + " (secret) added" : key + " added (" + value(entry.to()) + ")",
              1));
    }
    for (EnvChange entry : diff.env().changed()) {
      String key = plain(entry.key(), NAME_LENGTH);
      String text;
      if (entry.secretBefore() != null) {
        text = key + (entry.secret() ? " made secret" : " no longer secret");
      } else if (entry.secret()) {
        text = key + " (secret) changed";
      } else {
        text = key + " changed " + value(entry.from()) + " → " + value(entry.to());
      }
      items.add(new Item(text, 1));
    }
    for (EnvChange entry : diff.env().removed()) {
      String key = plain(entry.key(), NAME_LENGTH);
      items.add(
          new Item(
              entry.secret()
                  ? key + " (secret) removed"
                  : key + " removed (was " + value(entry.from()) + ")",
              1));
    }
    return items;
  }

  private static List<Item> moduleItems(SnapshotDiff diff) {
    List<Item> items = new ArrayList<>();
    for (ModuleChange module : diff.modules().added()) {
      items.add(
          new Item(plain(module.name(), NAME_LENGTH) + " " + version(module.to()) + " added", 1));
    }
    for (ModuleChange module : diff.modules().changed()) {
      items.add(
          new Item(
              plain(module.name(), NAME_LENGTH)
                  + " "
                  + version(module.from())
                  + " → "
                  + version(module.to()),
              1));
    }
    for (ModuleChange module : diff.modules().removed()) {
      items.add(
          new Item(
              plain(module.name(), NAME_LENGTH) + " " + version(module.from()) + " removed", 1));
    }
    return items;
  }

  private static List<Item> settingItems(SnapshotDiff diff) {
    List<Item> items = new ArrayList<>();
    for (SettingChange setting : diff.settings().added()) {
      String key = plain(setting.key(), NAME_LENGTH);
      items.add(
          new Item(
              setting.redacted() ? key + " added" : key + " added (" + json(setting.to()) + ")",
              1));
    }
    for (SettingChange setting : diff.settings().changed()) {
      String key = plain(setting.key(), NAME_LENGTH);
      items.add(
          new Item(
              setting.redacted()
                  ? key + " changed"
                  : key + " " + json(setting.from()) + " → " + json(setting.to()),
              1));
    }
    for (SettingChange setting : diff.settings().removed()) {
      String key = plain(setting.key(), NAME_LENGTH);
      items.add(
          new Item(
              setting.redacted()
                  ? key + " removed"
                  : key + " removed (was " + json(setting.from()) + ")",
              1));
    }
    return items;
  }

  // --- text ----------------------------------------------------------------------------------

  private static String capital(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static String version(String version) {
    return version.isEmpty() ? "(no version)" : plain(version, VALUE_LENGTH);
  }

  /** An env value: as it is when it is short and simple, else quoted. */
  private static String value(String value) {
    if (value == null) {
      return "(none)";
    }
    return PLAIN_VALUE.matcher(value).matches() ? value : quote(value, VALUE_LENGTH);
  }

  /** A settings value as compact JSON. */
  private static String json(JsonNode value) {
    return value == null ? "(none)" : plain(value.toString(), VALUE_LENGTH);
  }

  private static String quote(String text) {
    return quote(text, NAME_LENGTH);
  }

  /** In double quotes, {@code "} and {@code \} escaped, line breaks as {@code \n}. */
  static String quote(String text, int maxLength) {
    String shortened = shorten(text, maxLength);
    StringBuilder out = new StringBuilder(shortened.length() + 2).append('"');
    shortened
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> escapeControl(out, c);
              }
            });
    return out.append('"').toString();
  }

  /** As it is, but shortened and with control characters and line breaks escaped. */
  static String plain(String text, int maxLength) {
    String shortened = shorten(text, maxLength);
    StringBuilder out = new StringBuilder(shortened.length());
    shortened.codePoints().forEach(c -> escapeControl(out, c));
    return out.toString();
  }

  private static void escapeControl(StringBuilder out, int c) {
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
          out.append(String.format("\\u%04x", c));
        } else {
          out.appendCodePoint(c);
        }
      }
    }
  }

  /** At most {@code maxLength} code points, ending in "…" when cut. */
  private static String shorten(String text, int maxLength) {
    if (text.codePointCount(0, text.length()) <= maxLength) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, maxLength - 1)) + "…";
  }
}
