package io.flowgate.engine.faults;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault points the suite tried and which of them were survived: the process went on past the
 * fault and the scenario ended clean (see {@link Leftovers}). A scenario that fails marks its
 * points as not survived.
 */
final class FaultTally {

  private final Map<String, Boolean> points = new LinkedHashMap<>();
  private final Map<String, String> notes = new LinkedHashMap<>();

  synchronized void tried(String point, String note) {
    points.put(point, false);
    notes.put(point, note);
  }

  /** Every point of the scenario tried so far and not yet counted: survived. */
  synchronized void survived(String scenario) {
    points.replaceAll((point, ok) -> point.startsWith(scenario + " ") ? true : ok);
  }

  synchronized int tried() {
    return points.size();
  }

  synchronized int survived() {
    return (int) points.values().stream().filter(ok -> ok).count();
  }

  synchronized List<String> lines() {
    List<String> lines = new ArrayList<>();
    points.forEach(
        (point, ok) -> lines.add((ok ? "survived  " : "NOT       ") + point + notes.get(point)));
    lines.add(
        "Fault points tried: "
            + tried()
            + ", survived: "
            + survived()
            + (tried() == survived() ? "" : " (" + (tried() - survived()) + " not)"));
    return lines;
  }
}
