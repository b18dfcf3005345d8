package io.flowgate.connectors.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Node-RED instances run: a container engine or local processes. Every operation is safe to
 * repeat, because BPMN service tasks are delivered at least once.
 */
public interface InstanceRuntime extends AutoCloseable {

  /** A short name of this runtime, e.g. {@code docker}. */
  String kind();

  /**
   * Checks that the runtime answers.
   *
   * @throws RuntimeUnavailableException when it does not answer (quickly, not after minutes)
   */
  RuntimeInfo ping();

  /**
   * Creates (but does not start) a container. If a container named {@code spec.name()} already
   * exists, returns its id instead, so a retried provisioning step creates nothing twice.
   */
  String create(ContainerSpec spec);

  /** Starts a container; starting a running one does nothing. */
  void start(String id);

  /** Stops a container, killing it after {@code timeout}; stopping a stopped one does nothing. */
  void stop(String id, Duration timeout);

  /** Removes a container fully, running or not; does nothing when it is already gone. */
  void remove(String id);

  /** The container's current state, empty when there is no such container. */
  Optional<ContainerState> inspect(String id);

  /** The last {@code tailLines} lines of the container's stdout and stderr. */
  String logs(String id, int tailLines);

  /** All containers (running or not) that carry every one of the given labels. */
  List<ContainerState> list(Map<String, String> labels);

  /** Releases the runtime's client resources; instances keep running. */
  @Override
  default void close() {}
}
