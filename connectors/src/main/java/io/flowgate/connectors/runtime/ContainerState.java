package io.flowgate.connectors.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the runtime sees it now.
 *
 * @param id the runtime's id of the container
 * @param name the container's name, without Docker's leading slash
 * @param status its lifecycle state
 * @param exitCode the last exit code, null while it has never exited
 * @param startedAt when it was last started, null when never
 * @param labels its labels
 */
public record ContainerState(
    String id,
    String name,
    Status status,
    Integer exitCode,
    Instant startedAt,
    Map<String, String> labels) {

  public ContainerState {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public boolean running() {
    return status == Status.RUNNING;
  }
}
