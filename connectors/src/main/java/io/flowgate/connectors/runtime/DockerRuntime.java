package io.flowgate.connectors.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Node-RED instances as Docker containers through docker-java.
 *
 * <p>Containers always use the host network: Flowgate's hosts run dockerd without a bridge, and
 * each instance gets its own port through its {@code PORT} environment variable.
 *
 * <p>The persistent data of a container is the named volume {@code <name>-data}, carrying the
 * container's labels and mounted at {@value #DATA_PATH}, Node-RED's userDir in Flowgate's image. A
 * fresh volume takes the content and ownership of the image's {@value #DATA_PATH} (owned by the
 * image's user, {@code node-red}), so Node-RED can write to it; removing the container keeps the
 * volume.
 *
 * <p>{@linkplain ContainerSpec#trustedCertificates() Trusted certificates} go into the container's
 * own filesystem at {@value #TRUSTED_CERTIFICATES_PATH}, not into the volume: they belong to the
 * spec, so a container created anew from another spec does not keep them.
 */
public final class DockerRuntime implements InstanceRuntime, AutoCloseable {

  /** Docker's default socket, used when {@code DOCKER_HOST} is not set. */
  public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

  /** Where the persistent data is mounted: Node-RED's userDir in Flowgate's image. */
  public static final String DATA_PATH = "/data";

  /**
   * Where a container's {@linkplain ContainerSpec#trustedCertificates() trusted certificates} are,
   * named by {@value ContainerSpec#NODE_EXTRA_CA_CERTS}: {@code /etc} exists in both variants of
   * Flowgate's image. Owned by root, readable to all (the image's user is uid 1000).
   */
  public static final String TRUSTED_CERTIFICATES_PATH = "/etc/flowgate-ca.pem";

  /** How often an {@link RestartPolicy#ON_FAILURE} container is restarted before it stays down. */
  static final int ON_FAILURE_MAX_RETRIES = 5;

  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

  /** Docker reports this start time for a container that never started. */
  private static final Instant NEVER = Instant.parse("0001-01-01T00:00:00Z");

  private static final Duration REMOVAL_WAIT = Duration.ofSeconds(30);
  private static final int REMOVAL_ATTEMPTS = 4;

  /** How dockerd (Go's ENOTDIR) says that a path goes below a file; it answers 500 for it. */
  private static final String NOT_A_DIRECTORY = ": not a directory";

  /**
   * How to reach the daemon.
   *
   * @param dockerHost e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}
   * @param connectTimeout to open a connection for normal operations
   * @param responseTimeout for a normal operation's answer; must exceed the longest stop timeout
   *     (dockerd answers a stop only after the container has stopped)
   * @param pingTimeout connect and response timeout of {@link #ping()}, so a missing daemon is
   *     noticed in about this long
   */
  public record Settings(
      String dockerHost, Duration connectTimeout, Duration responseTimeout, Duration pingTimeout) {

    public Settings {
      Objects.requireNonNull(dockerHost, "dockerHost");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(responseTimeout, "responseTimeout");
      Objects.requireNonNull(pingTimeout, "pingTimeout");
    }

    /**
     * Defaults: 2 s to connect, 5 min for an answer (container creation on vfs is slow), 2 s ping.
     */
    public static Settings of(String dockerHost) {
      return new Settings(
          dockerHost, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(2));
    }

    /** {@code DOCKER_HOST} when set, otherwise the default socket. */
    public static Settings fromEnvironment() {
      String host = System.getenv("DOCKER_HOST");
      return of(host == null || host.isBlank() ? DEFAULT_DOCKER_HOST : host);
    }
  }

  private final Settings settings;
  private final DockerClient client;
  // A second client with short timeouts: a ping must fail fast, other calls may wait for minutes.
  private final DockerClient pingClient;

  public DockerRuntime(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(settings.dockerHost())
            // Unversioned requests get the daemon's own API version. Without this, any
            // docker-java.properties on the classpath wins (spring-boot-test ships one with
            // api.version=1.44, which a 20.10 daemon refuses).
            .withApiVersion(apiVersionFromEnvironment())
            .build();
    this.client = newClient(config, settings.connectTimeout(), settings.responseTimeout());
    this.pingClient = newClient(config, settings.pingTimeout(), settings.pingTimeout());
  }

  private static RemoteApiVersion apiVersionFromEnvironment() {
    String pinned = System.getenv("DOCKER_API_VERSION");
    return pinned == null || pinned.isBlank()
        ? RemoteApiVersion.unknown()
        : RemoteApiVersion.parseConfig(pinned);
  }

  /** A runtime for the daemon {@code DOCKER_HOST} names (or the default socket). */
  public static DockerRuntime fromEnvironment() {
    return new DockerRuntime(Settings.fromEnvironment());
  }

  private static DockerClient newClient(
      DefaultDockerClientConfig config, Duration connectTimeout, Duration responseTimeout) {
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(32)
            .connectionTimeout(connectTimeout)
            .responseTimeout(responseTimeout)
            .build();
    return DockerClientImpl.getInstance(config, http);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public String kind() {
    return "docker";
  }

  @Override
  public RuntimeInfo ping() {
    try {
      pingClient.pingCmd().exec();
      Version version = pingClient.versionCmd().exec();
      return new RuntimeInfo(
          kind(),
          version.getVersion(),
          "API "
              + version.getApiVersion()
              + ", "
              + version.getOperatingSystem()
              + "/"
              + version.getArch()
              + " at "
              + settings.dockerHost());
    } catch (RuntimeException e) {
      throw new RuntimeUnavailableException(
          "Docker daemon at " + settings.dockerHost() + " does not answer: " + rootMessage(e), e);
    }
  }

  /** Whether the image is present on the host (Flowgate never pulls). */
  public boolean hasImage(String image) {
    return call(
        "inspect image " + image,
        () -> {
          try {
            client.inspectImageCmd(image).exec();
            return true;
          } catch (NotFoundException e) {
            return false;
          }
        });
  }

  /** The named volume that holds the persistent data of the container {@code name}. */
  public static String dataVolume(String name) {
    return name + "-data";
  }

  /**
   * Creates the volume (or uses the existing one) and the container; with trusted certificates,
   * also puts them into the container before it ever starts. A retry that finds the container
   * copies them again, so a create that failed after the container existed is completed.
   */
  @Override
  public String create(ContainerSpec spec) {
    String volume = dataVolume(spec.name());
    return call(
        "create container " + spec.name(),
        () -> {
          // First the volume (an existing one is used as it is), so the container never gets an
          // anonymous volume for the image's /data instead.
          client.createVolumeCmd().withName(volume).withLabels(spec.labels()).exec();
          String id;
          try {
            id = createContainer(spec, volume);
          } catch (ConflictException e) {
            // The name is taken: an earlier attempt of this step already created it. One that never
            // started may be half made (dockerd stopped while it copied the image's files), so it
            // is made again; one that runs is used as it is.
            InspectContainerResponse earlier = client.inspectContainerCmd(spec.name()).exec();
            String status = earlier.getState() == null ? null : earlier.getState().getStatus();
            if ("created".equals(status) || "dead".equals(status)) {
              log.info(
                  "Container {} of an earlier attempt ({}) is made again", spec.name(), status);
              client.removeContainerCmd(earlier.getId()).withForce(true).exec();
              id = createContainer(spec, volume);
            } else {
              id = earlier.getId();
              log.debug("Container {} already exists as {}", spec.name(), id);
            }
          } catch (NotFoundException e) {
            throw new ImageNotFoundException(spec.image());
          }
          if (spec.hasTrustedCertificates()) {
            copyTrustedCertificates(id, spec.trustedCertificates());
          }
          return id;
        });
  }

  private String createContainer(ContainerSpec spec, String volume) {
    return client
        .createContainerCmd(spec.image())
        .withName(spec.name())
        .withEnv(environment(spec))
        .withLabels(spec.labels())
        .withHostConfig(hostConfig(spec, volume))
        .exec()
        .getId();
  }

  private static List<String> environment(ContainerSpec spec) {
    List<String> env = new ArrayList<>();
    spec.env().forEach((key, value) -> env.add(key + "=" + value));
    if (spec.hasTrustedCertificates()) {
      env.add(ContainerSpec.NODE_EXTRA_CA_CERTS + "=" + TRUSTED_CERTIFICATES_PATH);
    }
    return env;
  }

  /** Writes {@value #TRUSTED_CERTIFICATES_PATH} through Docker's archive API (a one-file tar). */
  private void copyTrustedCertificates(String id, String pem) {
    byte[] content = pem.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream archive = new ByteArrayOutputStream(content.length + 2048);
    int slash = TRUSTED_CERTIFICATES_PATH.lastIndexOf('/');
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(archive)) {
      TarArchiveEntry entry = new TarArchiveEntry(TRUSTED_CERTIFICATES_PATH.substring(slash + 1));
      entry.setSize(content.length);
      entry.setMode(0100644); // a regular file, rw-r--r--
      entry.setIds(0, 0); // dockerd keeps the archive's owner
      entry.setModTime(System.currentTimeMillis());
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException e) {
      throw new IllegalStateException("Could not pack the trusted certificates", e);
    }
    client
        .copyArchiveToContainerCmd(id)
        .withRemotePath(TRUSTED_CERTIFICATES_PATH.substring(0, slash))
        .withTarInputStream(new ByteArrayInputStream(archive.toByteArray()))
        .exec();
    log.debug("Copied trusted certificates into container {}", id);
  }

  private static HostConfig hostConfig(ContainerSpec spec, String volume) {
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("host")
            // Without nocopy: a fresh volume gets the image's /data with its owner.
            .withMounts(
                List.of(
                    new Mount()
                        .withType(MountType.VOLUME)
                        .withSource(volume)
                        .withTarget(DATA_PATH)))
            .withRestartPolicy(restartPolicy(spec.restartPolicy()));
    if (spec.nanoCpus() != null) {
      host.withNanoCPUs(spec.nanoCpus());
    }
    if (spec.memoryBytes() != null) {
      // Swap limit = memory limit: an instance over its limit is OOM-killed, not swapped slowly.
      host.withMemory(spec.memoryBytes()).withMemorySwap(spec.memoryBytes());
    }
    return host;
  }

  private static com.github.dockerjava.api.model.RestartPolicy restartPolicy(RestartPolicy policy) {
    return switch (policy) {
      case NO -> com.github.dockerjava.api.model.RestartPolicy.noRestart();
      case ON_FAILURE ->
          com.github.dockerjava.api.model.RestartPolicy.onFailureRestart(ON_FAILURE_MAX_RETRIES);
      case UNLESS_STOPPED -> com.github.dockerjava.api.model.RestartPolicy.unlessStoppedRestart();
      case ALWAYS -> com.github.dockerjava.api.model.RestartPolicy.alwaysRestart();
    };
  }

  @Override
  public void start(String id) {
    run(
        "start container " + id,
        () -> {
          try {
            client.startContainerCmd(id).exec();
          } catch (NotModifiedException e) {
            // already running
          } catch (NotFoundException e) {
            throw new ContainerNotFoundException(id);
          }
        });
  }

  @Override
  public void stop(String id, Duration timeout) {
    long seconds = Math.max(0, timeout.toSeconds());
    run(
        "stop container " + id,
        () -> {
          try {
            client
                .stopContainerCmd(id)
                .withTimeout((int) Math.min(seconds, Integer.MAX_VALUE))
                .exec();
          } catch (NotModifiedException e) {
            // already stopped
          } catch (NotFoundException e) {
            throw new ContainerNotFoundException(id);
          }
        });
  }

  /** Removes the container; its named data volume stays (only anonymous volumes go with it). */
  @Override
  public void remove(String id) {
    run(
        "remove container " + id,
        () -> {
          for (int attempt = 1; ; attempt++) {
            try {
              client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
              break;
            } catch (NotFoundException e) {
              return; // already gone
            } catch (ConflictException e) {
              // "removal already in progress": another attempt is removing it; wait for that.
              log.debug("Removal of {} already in progress; waiting", id);
              break;
            } catch (InternalServerErrorException e) {
              // The vfs driver sometimes finds a folder refilled while it deletes it (a process
              // of the container still exiting); the container is then "dead": try again.
              if (attempt >= REMOVAL_ATTEMPTS
                  || !String.valueOf(e.getMessage()).contains("failed to remove root filesystem")) {
                throw e;
              }
              log.info("Removing {} failed ({}); trying again", id, rootMessage(e));
              pause(Duration.ofMillis(500L * attempt));
            }
          }
          awaitGone(id);
        });
  }

  private void awaitGone(String id) {
    long deadline = System.nanoTime() + REMOVAL_WAIT.toNanos();
    while (inspect(id).isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new InstanceRuntimeException(
            "Container " + id + " still exists " + REMOVAL_WAIT.toSeconds() + " s after removal");
      }
      pause(Duration.ofMillis(200));
    }
  }

  @Override
  public void deleteData(String name) {
    if (!ContainerSpec.validName(name)) {
      return; // no container, so no data, can have that name
    }
    String volume = dataVolume(name);
    run(
        "delete volume " + volume,
        () -> {
          if (containerNamed(name)) {
            throw new InstanceRuntimeException(
                "Cannot delete the data of "
                    + name
                    + ": the container "
                    + name
                    + " still exists; remove it first");
          }
          try {
            client.removeVolumeCmd(volume).exec();
            log.info("Deleted volume {}", volume);
          } catch (NotFoundException e) {
            // none, or already deleted
          } catch (ConflictException e) {
            throw new InstanceRuntimeException(
                "Cannot delete the data of "
                    + name
                    + ": volume "
                    + volume
                    + " is in use by a container ("
                    + firstLine(e)
                    + ")",
                e);
          }
        });
  }

  @Override
  public boolean hasData(String name) {
    if (!ContainerSpec.validName(name)) {
      return false;
    }
    String volume = dataVolume(name);
    return call(
        "inspect volume " + volume,
        () -> {
          try {
            client.inspectVolumeCmd(volume).exec();
            return true;
          } catch (NotFoundException e) {
            return false;
          }
        });
  }

  /**
   * Reads the file through the container with Docker's archive API, which mounts the container's
   * filesystem and volumes also while it is stopped, so no helper container is needed. The path is
   * resolved inside the container: a link in the volume cannot lead to the host's files.
   */
  @Override
  public Optional<byte[]> readDataFile(String name, String relativePath) {
    String path = DATA_PATH + "/" + DataFilePath.normalize(relativePath);
    if (!ContainerSpec.validName(name)) {
      throw new ContainerNotFoundException(name);
    }
    String what = "read " + path + " of container " + name;
    return call(
        what,
        () -> {
          try (InputStream archive = client.copyArchiveFromContainerCmd(name, path).exec();
              TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            return Optional.of(singleFile(tar, name, path));
          } catch (NotFoundException e) {
            // dockerd answers 404 both for a missing container and for a missing file
            if (inspect(name).isEmpty()) {
              throw new ContainerNotFoundException(name);
            }
            return Optional.empty();
          } catch (InternalServerErrorException e) {
            if (String.valueOf(e.getMessage()).contains(NOT_A_DIRECTORY)) {
              return Optional.empty(); // a file on the way: no such file, as for a missing folder
            }
            throw e;
          } catch (IOException e) {
            throw new InstanceRuntimeException("Could not " + what + ": " + rootMessage(e), e);
          }
        });
  }

  /** The content of the one entry of the archive dockerd sends for a file. */
  private static byte[] singleFile(TarArchiveInputStream tar, String name, String path)
      throws IOException {
    TarArchiveEntry entry = tar.getNextEntry();
    if (entry == null) {
      throw new InstanceRuntimeException(
          "Docker sent an empty archive for " + path + " of container " + name);
    }
    byte flag = entry.getLinkFlag();
    if (flag != TarConstants.LF_NORMAL && flag != TarConstants.LF_OLDNORM) {
      throw new InstanceRuntimeException(
          path + " of container " + name + " is not a regular file (tar type " + (char) flag + ")");
    }
    long size = entry.getSize();
    if (size > MAX_DATA_FILE_BYTES) {
      throw new InstanceRuntimeException(
          path
              + " of container "
              + name
              + " has "
              + size
              + " bytes, more than the "
              + MAX_DATA_FILE_BYTES
              + " that are read");
    }
    byte[] content = tar.readNBytes((int) size);
    if (content.length != size) {
      throw new InstanceRuntimeException(
          "Docker sent " + content.length + " of " + size + " bytes of " + path + " of " + name);
    }
    return content;
  }

  /**
   * Whether a container has exactly this name. Not by inspecting the name: dockerd would also match
   * it against container ids.
   */
  private boolean containerNamed(String name) {
    // The name filter matches parts of names: keep only the exact one.
    return client
        .listContainersCmd()
        .withShowAll(true)
        .withNameFilter(List.of(name))
        .exec()
        .stream()
        .map(Container::getNames)
        .filter(Objects::nonNull)
        .flatMap(Arrays::stream)
        .anyMatch(("/" + name)::equals);
  }

  @Override
  public Optional<ContainerState> inspect(String id) {
    return call(
        "inspect container " + id,
        () -> {
          try {
            return Optional.of(toState(client.inspectContainerCmd(id).exec()));
          } catch (NotFoundException e) {
            return Optional.empty();
          }
        });
  }

  @Override
  public String logs(String id, int tailLines) {
    return call(
        "read logs of container " + id,
        () -> {
          LogCollector collector = new LogCollector();
          try (collector) {
            client
                .logContainerCmd(id)
                .withStdOut(true)
                .withStdErr(true)
                .withTail(Math.max(0, tailLines))
                .exec(collector);
            boolean complete =
                collector.awaitCompletion(
                    settings.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (collector.containerMissing) {
              throw new ContainerNotFoundException(id);
            }
            if (!complete) {
              throw new InstanceRuntimeException("Reading logs of container " + id + " timed out");
            }
          } catch (NotFoundException e) {
            throw new ContainerNotFoundException(id);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceRuntimeException("Interrupted while reading logs of " + id, e);
          } catch (IOException e) {
            throw new InstanceRuntimeException("Could not close the log stream of " + id, e);
          }
          return collector.text();
        });
  }

  @Override
  public List<ContainerState> list(Map<String, String> labels) {
    return call(
        "list containers",
        () -> {
          List<Container> containers =
              client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
          // The list answer has neither exit code nor start time: inspect each one.
          List<ContainerState> states = new ArrayList<>(containers.size());
          for (Container container : containers) {
            inspect(container.getId()).ifPresent(states::add); // may vanish in between
          }
          return List.copyOf(states);
        });
  }

  /** Collects log frames; a missing container is an answer here, not an error to log. */
  private static final class LogCollector extends ResultCallback.Adapter<Frame> {
    // Frames may split a multi-byte character: collect bytes, decode once at the end.
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile boolean containerMissing;

    @Override
    public void onNext(Frame frame) {
      synchronized (bytes) {
        bytes.writeBytes(frame.getPayload());
      }
    }

    @Override
    public void onError(Throwable error) {
      if (error instanceof NotFoundException) {
        // docker-java's default logs this at ERROR; for us it is an ordinary answer
        containerMissing = true;
        onComplete();
        return;
      }
      super.onError(error);
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private static ContainerState toState(InspectContainerResponse response) {
    InspectContainerResponse.ContainerState state = response.getState();
    Status status = Status.fromEngineState(state == null ? null : state.getStatus());
    Integer exitCode = null;
    if (state != null
        && state.getExitCodeLong() != null
        && (status == Status.EXITED || status == Status.DEAD || status == Status.RESTARTING)) {
      exitCode = state.getExitCodeLong().intValue();
    }
    String name = response.getName();
    if (name != null && name.startsWith("/")) {
      name = name.substring(1);
    }
    Map<String, String> labels =
        response.getConfig() == null || response.getConfig().getLabels() == null
            ? Map.of()
            : response.getConfig().getLabels();
    return new ContainerState(
        response.getId(),
        name,
        status,
        exitCode,
        parseTime(state == null ? null : state.getStartedAt()),
        labels);
  }

  private static Instant parseTime(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      Instant instant = Instant.parse(value);
      return instant.equals(NEVER) ? null : instant;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The docker-java client, for tests that check what really reached the daemon. */
  DockerClient dockerClient() {
    return client;
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(pingClient);
  }

  private static void closeQuietly(DockerClient dockerClient) {
    try {
      dockerClient.close();
    } catch (IOException e) {
      log.debug("Closing the Docker client failed", e);
    }
  }

  private void run(String what, Runnable action) {
    call(
        what,
        () -> {
          action.run();
          return null;
        });
  }

  /** Runs a daemon call and turns docker-java's failures into this package's exceptions. */
  private <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (InstanceRuntimeException e) {
      throw e;
    } catch (DockerException e) {
      throw new InstanceRuntimeException(
          "Docker could not " + what + ": HTTP " + e.getHttpStatus() + " " + firstLine(e), e);
    } catch (RuntimeException e) {
      if (hasIoCause(e)) {
        throw new RuntimeUnavailableException(
            "Docker daemon at "
                + settings.dockerHost()
                + " does not answer ("
                + what
                + "): "
                + rootMessage(e),
            e);
      }
      throw new InstanceRuntimeException("Docker could not " + what + ": " + rootMessage(e), e);
    }
  }

  private static boolean hasIoCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
  }

  private static String firstLine(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
  }

  private static String firstLine(String message) {
    String line = message.strip().lines().findFirst().orElse("");
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstanceRuntimeException("Interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "DockerRuntime[" + settings.dockerHost() + "]";
  }
}
