package io.flowgate.connectors.runtime;

/** Lifecycle state of a container, as container engines report it. */
public enum Status {
  CREATED,
  RUNNING,
  PAUSED,
  RESTARTING,
  REMOVING,
  EXITED,
  DEAD,
  /** A state this code does not know (a newer engine). */
  UNKNOWN;

  /** Maps an engine's state word ({@code running}, {@code exited}, ...) to a status. */
  public static Status fromEngineState(String state) {
    if (state == null) {
      return UNKNOWN;
    }
    return switch (state.toLowerCase(java.util.Locale.ROOT)) {
      case "created" -> CREATED;
      case "running" -> RUNNING;
      case "paused" -> PAUSED;
      case "restarting" -> RESTARTING;
      case "removing" -> REMOVING;
      case "exited" -> EXITED;
      case "dead" -> DEAD;
      default -> UNKNOWN;
    };
  }
}
