package io.flowgate.connectors.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Node-RED instances run: a container engine or local processes. Every operation is safe to
 * repeat, because BPMN service tasks are delivered at least once.
 *
 * <p><b>Persistent data.</b> Every container a runtime creates gets persistent data named after the
 * container's name, holding Node-RED's userDir: {@code flows.json}, {@code flows_cred.json}, the
 * generated credential key and installed nodes. The data outlives the container: {@link #remove}
 * removes the container but keeps it, and a later {@link #create} with the same name uses it again,
 * so a container can be removed and created anew (to free the host while an instance is suspended,
 * to replace one that vanished, to change its image) without losing the instance's flows. Only
 * {@link #deleteData} deletes it, once no container of that name exists.
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
   * exists, a retried provisioning step made it: one that has started is returned as it is, one
   * that never started may be half made (the runtime stopped while making it) and is made again, so
   * there is never more than one container of a name. The persistent data of that name is created
   * too, or used again when an earlier container of that name left it. The spec's {@linkplain
   * ContainerSpec#trustedCertificates() trusted certificates} belong to the container, not to the
   * persistent data: Node.js trusts them from the first start on, and a container created anew
   * without them no longer does.
   */
  String create(ContainerSpec spec);

  /** Starts a container; starting a running one does nothing. */
  void start(String id);

  /** Stops a container, killing it after {@code timeout}; stopping a stopped one does nothing. */
  void stop(String id, Duration timeout);

  /**
   * Removes a container, running or not; does nothing when it is already gone. Its persistent data
   * stays (see {@link #deleteData}).
   */
  void remove(String id);

  /**
   * Deletes the persistent data of the container named {@code name}; does nothing when there is
   * none. A later {@link #create} with that name starts with an empty userDir.
   *
   * @throws InstanceRuntimeException when a container named {@code name} still exists: remove it
   *     first
   */
  void deleteData(String name);

  /** Whether persistent data of the container named {@code name} exists. */
  boolean hasData(String name);

  /** The largest file {@link #readDataFile} reads. */
  int MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

  /**
   * A file of the persistent data of the container named {@code name}, i.e. of Node-RED's userDir
   * ({@code flows.json}, {@code flows_cred.json}, {@code package.json}, ...), whether the container
   * runs or not: what a snapshot of the instance is made of.
   *
   * @param relativePath below the userDir, {@code /}-separated; no {@code ..} and not absolute
   * @return the file's bytes; empty when there is no such file
   * @throws IllegalArgumentException when {@code relativePath} is empty, absolute or has a {@code
   *     ..} segment
   * @throws ContainerNotFoundException when there is no container named {@code name}
   * @throws InstanceRuntimeException when the path is not a regular file (a directory, a link) or
   *     the file is larger than {@link #MAX_DATA_FILE_BYTES}
   */
  Optional<byte[]> readDataFile(String name, String relativePath);

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
