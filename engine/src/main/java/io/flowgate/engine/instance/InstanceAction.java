package io.flowgate.engine.instance;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a team can do with an existing instance: each runs its own BPMN process, may begin in some
 * states only, and puts the instance into a passing state while it runs.
 */
public enum InstanceAction {
  START(
      "instance-start",
      InstanceState.STARTING,
      EnumSet.of(InstanceState.STOPPED, InstanceState.SUSPENDED, InstanceState.CRASHED)),
  STOP(
      "instance-stop",
      InstanceState.STOPPING,
      EnumSet.of(InstanceState.RUNNING, InstanceState.CRASHED)),
  RESTART(
      "instance-restart",
      InstanceState.STARTING,
      EnumSet.of(InstanceState.RUNNING, InstanceState.CRASHED, InstanceState.STOPPED)),
  SUSPEND(
      "instance-suspend",
      InstanceState.STOPPING,
      EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED, InstanceState.CRASHED));

  private final String processKey;
  private final InstanceState passingState;
  private final Set<InstanceState> from;

  InstanceAction(String processKey, InstanceState passingState, Set<InstanceState> from) {
    this.processKey = processKey;
    this.passingState = passingState;
    this.from = from;
  }

  public String processKey() {
    return processKey;
  }

  public InstanceState passingState() {
    return passingState;
  }

  public boolean allowedFrom(InstanceState state) {
    return from.contains(state);
  }

  public Set<InstanceState> allowedStates() {
    return from;
  }

  public String value() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The action named in a URL, or null. */
  public static InstanceAction of(String value) {
    for (InstanceAction action : values()) {
      if (action.value().equals(value)) {
        return action;
      }
    }
    return null;
  }
}
