package io.flowgate.engine.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * How many devices each wave of a rollout moves: an optional canary count first, then cumulative
 * percentages of the group (e.g. 10, 50, 100). A wave that would add no device is left out, so a
 * small group gets fewer, never empty, waves.
 *
 * @param sizes devices per wave, in order; they add up to the group's size
 */
public record WavePlan(List<Integer> sizes) {

  public WavePlan {
    sizes = List.copyOf(sizes);
  }

  /**
   * @param devices the group's size
   * @param canary devices of a first, fixed-size wave, or null
   * @param percentages cumulative shares of the group, strictly ascending, the last 100
   * @throws IllegalArgumentException naming what to fix
   */
  public static WavePlan of(int devices, Integer canary, List<Integer> percentages) {
    if (devices < 0) {
      throw new IllegalArgumentException("a group cannot have fewer than 0 devices");
    }
    if (percentages == null || percentages.isEmpty()) {
      throw new IllegalArgumentException("waves must list at least one percentage, ending in 100");
    }
    int previous = 0;
    for (int percentage : percentages) {
      if (percentage <= previous || percentage > 100) {
        throw new IllegalArgumentException(
            "waves must be percentages of the group, strictly ascending from above 0 to 100");
      }
      previous = percentage;
    }
    if (previous != 100) {
      throw new IllegalArgumentException("the last wave must be 100 (the whole group)");
    }
    if (canary != null && canary < 1) {
      throw new IllegalArgumentException("canary must be at least 1 device, or left out");
    }
    List<Integer> sizes = new ArrayList<>();
    int moved = 0;
    if (canary != null && devices > 0) {
      moved = Math.min(canary, devices);
      sizes.add(moved);
    }
    for (int percentage : percentages) {
      // ceiling: 1% of 50 devices is one device, not none
      int upTo = (int) ((devices * (long) percentage + 99) / 100);
      if (upTo > moved) {
        sizes.add(upTo - moved);
        moved = upTo;
      }
    }
    return new WavePlan(sizes);
  }

  public int waves() {
    return sizes.size();
  }

  /** How many devices the waves up to and including this one (1-based) move. */
  public int movedAfter(int wave) {
    int moved = 0;
    for (int i = 0; i < wave && i < sizes.size(); i++) {
      moved += sizes.get(i);
    }
    return moved;
  }
}
