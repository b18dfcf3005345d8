package io.flowgate.connectors.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Node-RED instances as child processes of this JVM, for machines without Docker (like
 * FlowFuse's localfs driver).
 *
 * <p>Everything lives below the work directory:
 *
 * <pre>
 * settings.js                  Flowgate's Node-RED settings (docker/node-red/settings.js)
 * node-red/node_modules/...    Node-RED, installed with npm on first start when no home is given
 * instances/&lt;name&gt;/            one folder per instance, owner-only: env values may be secrets
 *   spec.json                  the spec as created (owner-only: it holds the environment)
 *   trusted-ca.pem             the spec's trusted certificates, if any, named by
 *                              NODE_EXTRA_CA_CERTS when Node-RED starts
 *   node-red.log               stdout and stderr, appended across starts
 *   pid                        the running (or last) process id
 *   run.json                   pid, start time and, once known, exit code of the last start
 * data/&lt;name&gt;/                 the instance's persistent data, owner-only: Node-RED's userDir
 *                              (flows, credentials, installed nodes)
 * </pre>
 *
 * <p>{@link #remove} deletes the instance's folder but keeps its data, which a later {@link
 * #create} of the same name uses again; {@link #deleteData} deletes it.
 *
 * <p>The id of an instance is its name. State lives in these files, not in this object: a new
 * runtime on the same folder (after an engine restart) finds running instances through the pid
 * file, and checks that the process's command line names the instance's folder, so a recycled pid
 * is not taken for an instance. {@link #close()} leaves instances running, as Docker containers
 * outlive the engine; where {@code setsid} exists, instances run in their own session so a Ctrl-C
 * of the engine's terminal does not reach them.
 *
 * <p>Where this differs from {@link DockerRuntime}:
 *
 * <ul>
 *   <li>The image is recorded but ignored: the Node-RED of the home folder runs.
 *   <li>A memory limit becomes V8's heap limit ({@code --max-old-space-size}, 3/4 of the limit,
 *       leaving the rest for buffers and native memory); the process's total memory is not capped.
 *   <li>A CPU limit is recorded but not enforced: a plain process has no CPU quota.
 *   <li>The restart policy is recorded but not enforced: nothing here watches processes; a
 *       reconciler restarts instances that should run.
 *   <li>Instances share the host's network; each listens on its {@code PORT}.
 *   <li>The exit code is known for processes this JVM started; one that ends after an engine
 *       restart is reported as exited without an exit code.
 *   <li>Operations on one instance are serialized within this JVM only: let one engine at a time
 *       manage a work directory.
 * </ul>
 */
public final class LocalProcessRuntime implements InstanceRuntime {

  /** The Node-RED installed when no home is given; the version the Docker image runs. */
  public static final String NODE_RED_VERSION = "4.1.8";

  static final String SPEC_FILE = "spec.json";
  static final String RUN_FILE = "run.json";
  static final String PID_FILE = "pid";
  static final String LOG_FILE = "node-red.log";

  /** The instance's {@linkplain ContainerSpec#trustedCertificates() trusted certificates}. */
  static final String TRUSTED_CERTIFICATES_FILE = "trusted-ca.pem";

  /** The folder below the work directory that holds each instance's userDir. */
  static final String DATA_DIR = "data";

  /** Where an instance folder held the userDir before it moved to {@link #DATA_DIR}. */
  private static final String LEGACY_USER_DIR = "data";

  static final String SETTINGS_FILE = "settings.js";

  private static final Logger log = LoggerFactory.getLogger(LocalProcessRuntime.class);

  private static final Duration NODE_VERSION_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration NPM_INSTALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration REMOVE_GRACE = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration EXIT_POLL = Duration.ofMillis(50);
  // A process started within this of the recorded start is the recorded one (clock-tick rounding).
  private static final Duration START_TOLERANCE = Duration.ofSeconds(2);
  private static final int TAIL_CHUNK = 8192;
  private static final int MAX_TAIL_BYTES = 8 * 1024 * 1024;
  private static final String INSTALL_MARKER = ".flowgate-node-red-version";

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> READABLE_FILE =
      PosixFilePermissions.fromString("rw-r--r--");

  // Per folder, shared by all runtime objects of this JVM (the engine and its tests may hold two).
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private static final Path PROC = Path.of("/proc");

  private static final Executor EXIT_RECORDER =
      task -> {
        Thread thread = new Thread(task, "flowgate-local-exit-recorder");
        thread.setDaemon(true);
        thread.start();
      };

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path workDir;
  private final Path instancesDir;
  private final Path dataDir;
  private final Path configuredHome;
  private final String nodeCommand;
  private final String npmCommand;
  // Processes this object started: only their parent learns their exit codes.
  private final Map<String, Process> children = new ConcurrentHashMap<>();

  /**
   * @param workDir where instances, settings and (if needed) Node-RED itself are kept
   * @param nodeRedHome the folder of the {@code node-red} npm package (holding {@code red.js}), or
   *     null to install Node-RED {@value #NODE_RED_VERSION} below {@code workDir} on first start
   */
  public LocalProcessRuntime(Path workDir, Path nodeRedHome) {
    this(workDir, nodeRedHome, "node", "npm");
  }

  /** With other Node.js and npm commands: names looked up on the PATH, or paths. */
  LocalProcessRuntime(Path workDir, Path nodeRedHome, String nodeCommand, String npmCommand) {
    this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
    this.instancesDir = this.workDir.resolve("instances");
    this.dataDir = this.workDir.resolve(DATA_DIR);
    this.configuredHome = nodeRedHome == null ? null : nodeRedHome.toAbsolutePath().normalize();
    this.nodeCommand = Objects.requireNonNull(nodeCommand, "nodeCommand");
    this.npmCommand = Objects.requireNonNull(npmCommand, "npmCommand");
  }

  @Override
  public String kind() {
    return "local-process";
  }

  public Path workDir() {
    return workDir;
  }

  /** Answers when Node.js runs; never installs Node-RED (that happens on first start). */
  @Override
  public RuntimeInfo ping() {
    Path node = requireNode();
    String version = nodeVersion(node);
    return new RuntimeInfo(
        kind(),
        version.startsWith("v") ? version.substring(1) : version,
        "Node.js "
            + version
            + " at "
            + node
            + "; "
            + describeNodeRed()
            + "; instances in "
            + instancesDir);
  }

  private Path requireNode() {
    return executable(nodeCommand)
        .orElseThrow(
            () ->
                new RuntimeUnavailableException(
                    "Node.js ('" + nodeCommand + "') is not on the PATH", null));
  }

  private String nodeVersion(Path node) {
    try {
      Process process =
          new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(NODE_VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new RuntimeUnavailableException(
            "'" + node + " --version' did not finish in " + NODE_VERSION_TIMEOUT.toSeconds() + " s",
            null);
      }
      // The answer is one short line: it fits the pipe, so reading after the exit cannot block.
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (process.exitValue() != 0 || output.isEmpty()) {
        throw new RuntimeUnavailableException(
            "'"
                + node
                + " --version' exited with "
                + process.exitValue()
                + ": "
                + firstLine(output),
            null);
      }
      return firstLine(output);
    } catch (IOException e) {
      throw new RuntimeUnavailableException("Node.js at " + node + " does not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeUnavailableException("Interrupted while asking Node.js its version", e);
    }
  }

  private String describeNodeRed() {
    if (configuredHome != null) {
      return Files.isRegularFile(configuredHome.resolve("red.js"))
          ? "Node-RED " + packageVersion(configuredHome) + " at " + configuredHome
          : "no red.js in the Node-RED home " + configuredHome + ": starts will fail";
    }
    Path home = defaultHome();
    return installed(home)
        ? "Node-RED " + packageVersion(home) + " at " + home
        : "Node-RED "
            + NODE_RED_VERSION
            + " will be installed into "
            + installDir()
            + " with npm on first start";
  }

  private static String packageVersion(Path home) {
    try {
      JsonNode version = JSON.readTree(home.resolve("package.json").toFile()).get("version");
      return version == null ? "(unknown version)" : version.asText();
    } catch (IOException e) {
      return "(unknown version)";
    }
  }

  /**
   * Creates the instance folder and, unless an earlier instance of that name left it, its data
   * folder; an existing instance of that name is kept as it is.
   */
  @Override
  public String create(ContainerSpec spec) {
    String id = spec.name();
    Path dir = instancesDir.resolve(id);
    synchronized (lock(dir)) {
      try {
        if (Files.isRegularFile(dir.resolve(SPEC_FILE))) {
          log.debug("Instance {} already exists", id);
          return id;
        }
        Files.createDirectories(instancesDir);
        createPrivateDirectory(dir);
        Files.createDirectories(dataDir);
        createPrivateDirectory(userDir(id));
        // Before spec.json, which marks the instance as created: a retry writes it again.
        Path certificates = dir.resolve(TRUSTED_CERTIFICATES_FILE);
        if (spec.hasTrustedCertificates()) {
          writeAtomically(
              certificates, spec.trustedCertificates().getBytes(StandardCharsets.UTF_8), false);
        } else {
          Files.deleteIfExists(certificates); // left by a failed create of another spec
        }
        StoredSpec stored =
            new StoredSpec(
                spec.name(),
                spec.image(),
                spec.env(),
                spec.labels(),
                spec.nanoCpus(),
                spec.memoryBytes(),
                spec.restartPolicy(),
                Instant.now().toString());
        writeAtomically(dir.resolve(SPEC_FILE), JSON.writeValueAsBytes(stored), true);
        log.info("Created local Node-RED instance {}", id);
        return id;
      } catch (IOException e) {
        throw new InstanceRuntimeException(
            "Could not create instance " + id + " in " + instancesDir + ": " + e, e);
      }
    }
  }

  @Override
  public void start(String id) {
    Path dir = existingInstance(id);
    synchronized (lock(dir)) {
      if (!Files.isRegularFile(dir.resolve(SPEC_FILE))) {
        throw new ContainerNotFoundException(id); // removed while we waited for the lock
      }
      if (runningProcess(dir).isPresent()) {
        return;
      }
      StoredSpec spec = readSpec(dir);
      Path node = requireNode();
      Path home = nodeRedHome();
      Path settings = writeSettings();
      prepareUserDir(id, dir);
      ProcessBuilder builder =
          new ProcessBuilder(command(node, home, settings, dir, spec.memoryBytes()))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()));
      Map<String, String> environment = builder.environment();
      Map<String, String> wanted = environment(System.getenv(), spec.env());
      Path certificates = dir.resolve(TRUSTED_CERTIFICATES_FILE);
      if (Files.isRegularFile(certificates)) {
        wanted.put(ContainerSpec.NODE_EXTRA_CA_CERTS, certificates.toString());
      }
      environment.clear();
      environment.putAll(wanted);
      Process process;
      try {
        process = builder.start();
        process.getOutputStream().close(); // Node-RED reads no stdin; keep no pipe open
      } catch (IOException e) {
        throw new InstanceRuntimeException("Could not start Node-RED for instance " + id, e);
      }
      Instant startedAt = process.info().startInstant().orElseGet(Instant::now);
      children.put(id, process);
      try {
        // The pid first: until run.json names the same pid, readers ignore run.json.
        writeAtomically(
            dir.resolve(PID_FILE),
            (process.pid() + "\n").getBytes(StandardCharsets.US_ASCII),
            false);
        writeRun(dir, new RunState(process.pid(), startedAt.toString(), null));
      } catch (IOException e) {
        // Untracked, the process could never be stopped through this runtime: end it now.
        process.destroyForcibly();
        throw new InstanceRuntimeException("Could not record the process of instance " + id, e);
      }
      // On a thread of its own: recordExit waits for the instance's lock, and the common pool,
      // which the JDK also needs to complete onExit futures, may have a single thread.
      process.onExit().thenAcceptAsync(ended -> recordExit(dir, ended), EXIT_RECORDER);
      log.info("Started local Node-RED instance {} as pid {}", id, process.pid());
    }
  }

  /**
   * Makes sure the instance's userDir exists. An instance created before userDirs moved out of the
   * instance folders still has its userDir at {@code instances/<name>/data}: it is moved to its
   * place, unless data is already there.
   */
  private void prepareUserDir(String id, Path dir) {
    Path userDir = userDir(id);
    Path legacy = dir.resolve(LEGACY_USER_DIR);
    try {
      Files.createDirectories(dataDir);
      if (Files.isDirectory(legacy, LinkOption.NOFOLLOW_LINKS)) {
        if (isEmptyDirectory(userDir)) {
          Files.deleteIfExists(userDir);
          Files.move(legacy, userDir, StandardCopyOption.ATOMIC_MOVE);
          log.info("Moved the userDir of instance {} from {} to {}", id, legacy, userDir);
        } else {
          log.warn(
              "Instance {} has data in {}; ignoring the older userDir {}", id, userDir, legacy);
        }
      }
      createPrivateDirectory(userDir);
    } catch (IOException e) {
      throw new InstanceRuntimeException(
          "Could not prepare the userDir " + userDir + " of instance " + id + ": " + e, e);
    }
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** The userDir of the instance {@code name}: its persistent data. */
  Path userDir(String name) {
    return dataDir.resolve(name);
  }

  /**
   * The command line of an instance's process. The {@code --title} names the instance folder
   * because Node-RED replaces its command line with its title once it listens: so the running
   * process can still be told apart from another that got the same pid.
   */
  List<String> command(Path node, Path home, Path settings, Path dir, Long memoryBytes) {
    List<String> command = new ArrayList<>();
    executable("setsid").ifPresent(setsid -> command.add(setsid.toString()));
    command.add(node.toString());
    if (memoryBytes != null) {
      command.add("--max-old-space-size=" + heapMegabytes(memoryBytes));
    }
    command.add(home.resolve("red.js").toString());
    command.addAll(
        List.of(
            "--title",
            title(dir),
            "--userDir",
            userDir(dir.getFileName().toString()).toString(),
            "--settings",
            settings.toString()));
    return command;
  }

  /** V8's old-space limit for a memory limit: 3/4 of it, in MB. */
  static long heapMegabytes(long memoryBytes) {
    return Math.max(1, memoryBytes / 4 * 3 / (1024 * 1024));
  }

  /**
   * What an instance's process sees: PATH and HOME of this JVM and the spec's variables, nothing
   * else (the engine's own environment may hold its secrets); {@link #start} adds {@value
   * ContainerSpec#NODE_EXTRA_CA_CERTS} for trusted certificates.
   */
  static Map<String, String> environment(Map<String, String> jvm, Map<String, String> spec) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (String name : List.of("PATH", "HOME")) {
      String value = jvm.get(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    environment.putAll(spec);
    return environment;
  }

  private static String title(Path dir) {
    return "node-red " + dir;
  }

  /** Stores the exit code of a process this object started, unless a newer start replaced it. */
  private void recordExit(Path dir, Process ended) {
    synchronized (lock(dir)) {
      try {
        RunState run = readRun(dir);
        if (run != null && run.pid() == ended.pid() && run.exitCode() == null) {
          writeRun(dir, new RunState(run.pid(), run.startedAt(), ended.exitValue()));
        }
      } catch (InstanceRuntimeException | IOException e) {
        // The folder may have been removed meanwhile; the exit code is then of no interest.
        log.debug("Could not record the exit of {}", dir, e);
      }
    }
  }

  @Override
  public void stop(String id, Duration timeout) {
    Path dir = existingInstance(id);
    synchronized (lock(dir)) {
      runningProcess(dir).ifPresent(process -> terminate(id, process, timeout));
      Process child = children.get(id);
      if (child != null && !child.isAlive()) {
        recordExit(dir, child); // now rather than whenever the callback runs
      }
    }
  }

  /** SIGTERM, then SIGKILL after {@code timeout}; children Node-RED left behind are killed too. */
  private void terminate(String id, ProcessHandle process, Duration timeout) {
    // Taken before the parent ends: afterwards its orphans are no longer its descendants.
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    if (!awaitExit(id, process, timeout)) {
      log.warn(
          "Instance {} (pid {}) did not stop within {} ms; killing it",
          id,
          process.pid(),
          timeout.toMillis());
      process.destroyForcibly();
      if (!awaitExit(id, process, KILL_WAIT)) {
        throw new InstanceRuntimeException(
            "Instance " + id + " (pid " + process.pid() + ") survived SIGKILL");
      }
    }
    descendants.stream().filter(LocalProcessRuntime::alive).forEach(ProcessHandle::destroyForcibly);
    log.info("Stopped local Node-RED instance {}", id);
  }

  /**
   * Waits for a process to end. Not through {@link ProcessHandle#onExit()}: its future completes on
   * the common pool, which may be busy or have a single thread.
   */
  private boolean awaitExit(String id, ProcessHandle process, Duration timeout) {
    try {
      Process child = children.get(id);
      if (child != null && child.pid() == process.pid()) {
        // Woken by the JVM's reaper; once it returns, the exit code is there too.
        return child.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      while (alive(process)) {
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        Thread.sleep(EXIT_POLL.toMillis());
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstanceRuntimeException("Interrupted while stopping instance " + id, e);
    }
  }

  /**
   * Stops the instance (briefly gracefully) and deletes its folder, but not its data; gone already
   * is fine.
   */
  @Override
  public void remove(String id) {
    if (!validName(id)) {
      return;
    }
    Path dir = instancesDir.resolve(id);
    synchronized (lock(dir)) {
      if (!Files.isDirectory(dir)) {
        return;
      }
      runningProcess(dir).ifPresent(process -> terminate(id, process, REMOVE_GRACE));
      children.remove(id);
      // Renamed first, so the instance disappears at once and a failed delete leaves no half
      // instance behind (list() skips dot-folders).
      Path doomed =
          instancesDir.resolve(
              "."
                  + id
                  + ".removed-"
                  + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
      try {
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new InstanceRuntimeException("Could not remove instance " + id + ": " + e, e);
      }
      deleteRecursively(doomed);
      log.info("Removed local Node-RED instance {}", id);
    }
  }

  @Override
  public void deleteData(String name) {
    if (!validName(name)) {
      return; // no instance, so no data, can have that name
    }
    Path dir = instancesDir.resolve(name);
    synchronized (lock(dir)) {
      if (Files.isRegularFile(dir.resolve(SPEC_FILE))) {
        throw new InstanceRuntimeException(
            "Cannot delete the data of "
                + name
                + ": the instance "
                + name
                + " still exists; remove it first");
      }
      Path userDir = userDir(name);
      if (!Files.exists(userDir, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      // As in remove: renamed first, so a failed delete leaves nothing a later create would use.
      Path doomed =
          dataDir.resolve(
              "."
                  + name
                  + ".deleted-"
                  + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
      try {
        Files.move(userDir, doomed, StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException e) {
        return; // deleted meanwhile by another runtime object
      } catch (IOException e) {
        throw new InstanceRuntimeException("Could not delete the data of " + name + ": " + e, e);
      }
      deleteRecursively(doomed);
      log.info("Deleted the data of local Node-RED instance {}", name);
    }
  }

  @Override
  public boolean hasData(String name) {
    return validName(name) && Files.isDirectory(userDir(name), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Reads the file from the instance's userDir (from its older place in the instance folder when
   * the instance has not started since userDirs moved). Links are not followed out of the userDir:
   * flows run code that could plant one pointing at the engine's files.
   */
  @Override
  public Optional<byte[]> readDataFile(String name, String relativePath) {
    String path = DataFilePath.normalize(relativePath);
    Path dir = existingInstance(name);
    Path root = userDir(name);
    Path legacy = dir.resolve(LEGACY_USER_DIR);
    Path file = null;
    try {
      if (Files.isDirectory(legacy, LinkOption.NOFOLLOW_LINKS) && isEmptyDirectory(root)) {
        root = legacy; // moved at the next start
      }
      file = root.resolve(path);
      if (!Files.isDirectory(file.getParent())) {
        return Optional.empty(); // also when a folder on the way is a file
      }
      BasicFileAttributes attributes;
      try {
        attributes =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      if (!attributes.isRegularFile()) {
        throw new InstanceRuntimeException(
            path + " in the data of instance " + name + " is not a regular file");
      }
      if (!file.toRealPath().startsWith(root.toRealPath())) {
        throw new InstanceRuntimeException(
            path + " in the data of instance " + name + " leads outside its data folder");
      }
      if (attributes.size() > MAX_DATA_FILE_BYTES) {
        throw tooLarge(path, name);
      }
      byte[] content;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        content = in.readNBytes(MAX_DATA_FILE_BYTES + 1); // it may grow meanwhile
      }
      if (content.length > MAX_DATA_FILE_BYTES) {
        throw tooLarge(path, name);
      }
      return Optional.of(content);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted meanwhile
    } catch (IOException e) {
      throw new InstanceRuntimeException(
          "Could not read " + (file == null ? path : file) + ": " + e, e);
    }
  }

  private static InstanceRuntimeException tooLarge(String path, String name) {
    return new InstanceRuntimeException(
        path
            + " in the data of instance "
            + name
            + " has more than the "
            + MAX_DATA_FILE_BYTES
            + " bytes that are read");
  }

  @Override
  public Optional<ContainerState> inspect(String id) {
    if (!validName(id)) {
      return Optional.empty();
    }
    Path dir = instancesDir.resolve(id);
    Optional<StoredSpec> spec = readSpecIfPresent(dir);
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    Long pid = readPid(dir);
    if (pid == null) {
      return Optional.of(
          new ContainerState(id, id, Status.CREATED, null, null, spec.get().labels()));
    }
    RunState run = readRun(dir);
    if (run != null && run.pid() != pid) {
      run = null; // a start that has not finished writing: nothing of it is known yet
    }
    Map<String, String> labels = spec.get().labels();
    Optional<ProcessHandle> running = runningProcess(dir, pid, run);
    if (running.isPresent()) {
      Instant startedAt =
          run != null
              ? parseInstant(run.startedAt())
              : running.get().info().startInstant().orElse(null);
      return Optional.of(new ContainerState(id, id, Status.RUNNING, null, startedAt, labels));
    }
    Integer exitCode = run == null ? null : run.exitCode();
    Process child = children.get(id);
    if (exitCode == null && child != null && child.pid() == pid && !child.isAlive()) {
      exitCode = child.exitValue(); // before the exit callback has recorded it
    }
    Instant startedAt = run == null ? null : parseInstant(run.startedAt());
    return Optional.of(new ContainerState(id, id, Status.EXITED, exitCode, startedAt, labels));
  }

  @Override
  public String logs(String id, int tailLines) {
    Path dir = existingInstance(id);
    try {
      return tail(dir.resolve(LOG_FILE), tailLines);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new InstanceRuntimeException("Could not read the log of instance " + id + ": " + e, e);
    }
  }

  @Override
  public List<ContainerState> list(Map<String, String> labels) {
    if (!Files.isDirectory(instancesDir)) {
      return List.of();
    }
    List<String> names;
    try (Stream<Path> entries = Files.list(instancesDir)) {
      names =
          entries
              .map(path -> path.getFileName().toString())
              .filter(LocalProcessRuntime::validName)
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new InstanceRuntimeException("Could not list " + instancesDir + ": " + e, e);
    }
    List<ContainerState> states = new ArrayList<>();
    for (String name : names) {
      inspect(name) // may have been removed in between
          .filter(state -> state.labels().entrySet().containsAll(labels.entrySet()))
          .ifPresent(states::add);
    }
    return List.copyOf(states);
  }

  /** Leaves instances running, as Docker containers outlive the engine. */
  @Override
  public void close() {
    // Nothing to release: no connections; exit codes of children still get recorded.
  }

  // --- processes ---

  /** The instance's live process: the pid file's pid, if that process is really the instance. */
  private Optional<ProcessHandle> runningProcess(Path dir) {
    Long pid = readPid(dir);
    return pid == null ? Optional.empty() : runningProcess(dir, pid, readRun(dir));
  }

  private Optional<ProcessHandle> runningProcess(Path dir, long pid, RunState run) {
    if (pid <= 0) {
      return Optional.empty();
    }
    Instant recordedStart = run != null && run.pid() == pid ? parseInstant(run.startedAt()) : null;
    return ProcessHandle.of(pid)
        .filter(LocalProcessRuntime::alive)
        .filter(
            process ->
                isInstanceProcess(
                    process, dir, userDir(dir.getFileName().toString()), recordedStart));
  }

  /** The pid file's pid; null when the instance never started. */
  private static Long readPid(Path dir) {
    try {
      return Long.parseLong(
          Files.readString(dir.resolve(PID_FILE), StandardCharsets.US_ASCII).strip());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | NumberFormatException e) {
      // Something wrote into it: the instance has run, but which process it was is unknown.
      log.warn("Unreadable pid file in {}: {}", dir, e.toString());
      return -1L;
    }
  }

  /**
   * Whether a process runs. {@link ProcessHandle#isAlive()} counts zombies as alive, and an
   * instance that ends after an engine restart stays a zombie where PID 1 does not reap orphans (as
   * in some containers).
   */
  static boolean alive(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    if (!Files.isDirectory(PROC.resolve("self"))) {
      return true; // no procfs to ask: trust the JDK
    }
    try {
      // "pid (comm) state ...": comm may hold spaces and parentheses, so look after the last ')'
      String stat =
          Files.readString(
              PROC.resolve(Long.toString(process.pid())).resolve("stat"),
              StandardCharsets.ISO_8859_1);
      int end = stat.lastIndexOf(')');
      char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return false; // ended meanwhile
    }
  }

  /**
   * Whether a live process is the instance's Node-RED rather than another process that got its pid:
   * its command line names the instance folder in its title, or the instance's userDir as {@code
   * --userDir} (a {@code tail -f} of the instance's log names the folder too, but not so).
   */
  static boolean isInstanceProcess(
      ProcessHandle process, Path dir, Path userDir, Instant recordedStart) {
    Optional<List<String>> arguments = commandLine(process);
    if (arguments.isPresent()) {
      List<String> args = arguments.get();
      int option = args.indexOf("--userDir");
      String given = option >= 0 && option + 1 < args.size() ? args.get(option + 1) : null;
      return args.contains(title(dir))
          || userDir.toString().equals(given)
          // started before userDirs moved out of the instance folders
          || dir.resolve(LEGACY_USER_DIR).toString().equals(given);
    }
    // No command line to read (not Linux, not ours): fall back to the recorded start time. Not
    // the first check, because a wall-clock step shifts the start times the OS reports.
    Optional<Instant> started = process.info().startInstant();
    return recordedStart != null
        && started.isPresent()
        && Duration.between(recordedStart, started.get()).abs().compareTo(START_TOLERANCE) <= 0;
  }

  /**
   * A process's arguments. On Linux from {@code /proc}: {@link ProcessHandle.Info} misreads the
   * command line once Node-RED has set its title.
   */
  static Optional<List<String>> commandLine(ProcessHandle process) {
    Path cmdline = PROC.resolve(Long.toString(process.pid())).resolve("cmdline");
    if (Files.isReadable(cmdline)) {
      try {
        String raw = Files.readString(cmdline, StandardCharsets.UTF_8);
        return Optional.of(Arrays.stream(raw.split("\0")).filter(s -> !s.isEmpty()).toList());
      } catch (IOException e) {
        return Optional.empty(); // the process ended meanwhile
      }
    }
    ProcessHandle.Info info = process.info();
    if (info.command().isPresent() && info.arguments().isPresent()) {
      List<String> args = new ArrayList<>();
      args.add(info.command().get());
      args.addAll(Arrays.asList(info.arguments().get()));
      return Optional.of(args);
    }
    return info.commandLine().map(List::of);
  }

  // --- Node-RED installation and settings ---

  private Path installDir() {
    return workDir.resolve("node-red");
  }

  private Path defaultHome() {
    return installDir().resolve("node_modules").resolve("node-red");
  }

  private boolean installed(Path home) {
    try {
      Path marker = installDir().resolve(INSTALL_MARKER);
      return Files.isRegularFile(home.resolve("red.js"))
          && Files.isRegularFile(marker)
          && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(NODE_RED_VERSION);
    } catch (IOException e) {
      return false;
    }
  }

  /** The configured home, or the one below the work directory, installed if missing. */
  Path nodeRedHome() {
    if (configuredHome != null) {
      if (!Files.isRegularFile(configuredHome.resolve("red.js"))) {
        throw new InstanceRuntimeException(
            "No red.js in the Node-RED home "
                + configuredHome
                + ": it must be the folder of the node-red npm package");
      }
      return configuredHome;
    }
    Path home = defaultHome();
    synchronized (lock(installDir())) {
      if (!installed(home)) {
        install(home);
      }
    }
    return home;
  }

  private void install(Path home) {
    Path dir = installDir();
    Path npm =
        executable(npmCommand)
            .orElseThrow(
                () ->
                    new InstanceRuntimeException(
                        "npm ('"
                            + npmCommand
                            + "') is not on the PATH; it is needed once to install Node-RED "
                            + NODE_RED_VERSION
                            + " into "
                            + dir
                            + " (or configure the folder of an installed node-red package)"));
    Path npmLog = dir.resolve("npm-install.log");
    String what = "npm install node-red@" + NODE_RED_VERSION + " into " + dir;
    log.info(
        "Installing Node-RED {} into {} (first start of a local instance)", NODE_RED_VERSION, dir);
    try {
      Files.createDirectories(dir);
      // --prefix: without a package.json here, npm would install into a parent project's folder.
      Process process =
          new ProcessBuilder(
                  npm.toString(),
                  "install",
                  "--no-save",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  dir.toString(),
                  "node-red@" + NODE_RED_VERSION)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(npmLog.toFile())
              .start();
      process.getOutputStream().close();
      if (!process.waitFor(NPM_INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new InstanceRuntimeException(
            what + " did not finish in " + NPM_INSTALL_TIMEOUT.toMinutes() + " min; see " + npmLog);
      }
      if (process.exitValue() != 0) {
        throw new InstanceRuntimeException(
            what
                + " failed with exit code "
                + process.exitValue()
                + "; last lines of "
                + npmLog
                + ":\n"
                + tail(npmLog, 15).strip());
      }
      if (!Files.isRegularFile(home.resolve("red.js"))) {
        throw new InstanceRuntimeException(
            what + " succeeded but left no " + home.resolve("red.js"));
      }
      writeAtomically(
          dir.resolve(INSTALL_MARKER),
          (NODE_RED_VERSION + "\n").getBytes(StandardCharsets.UTF_8),
          false);
      log.info("Installed Node-RED {} into {}", NODE_RED_VERSION, dir);
    } catch (IOException e) {
      throw new InstanceRuntimeException("Could not run " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InstanceRuntimeException("Interrupted during " + what, e);
    }
  }

  /** The settings every Flowgate-managed Node-RED uses, copied out of this jar. */
  private Path writeSettings() {
    Path target = workDir.resolve(SETTINGS_FILE);
    try (InputStream resource = LocalProcessRuntime.class.getResourceAsStream(SETTINGS_FILE)) {
      if (resource == null) {
        throw new IllegalStateException(SETTINGS_FILE + " is missing from the connectors jar");
      }
      byte[] settings = resource.readAllBytes();
      // Rewritten only when changed: other instances may be reading it while they start.
      if (!Files.isRegularFile(target) || !Arrays.equals(Files.readAllBytes(target), settings)) {
        Files.createDirectories(workDir);
        writeAtomically(target, settings, false);
      }
      return target;
    } catch (IOException e) {
      throw new InstanceRuntimeException("Could not write " + target + ": " + e, e);
    }
  }

  // --- files ---

  private Path existingInstance(String id) {
    if (!validName(id)) {
      throw new ContainerNotFoundException(id);
    }
    Path dir = instancesDir.resolve(id);
    if (!Files.isRegularFile(dir.resolve(SPEC_FILE))) {
      throw new ContainerNotFoundException(id);
    }
    return dir;
  }

  /** Also for ids: so no id reaches outside the instances and data folders. */
  static boolean validName(String id) {
    return ContainerSpec.validName(id);
  }

  private static Object lock(Path dir) {
    return LOCKS.computeIfAbsent(dir, key -> new Object());
  }

  private static StoredSpec readSpec(Path dir) {
    return readSpecIfPresent(dir)
        .orElseThrow(() -> new ContainerNotFoundException(dir.getFileName().toString()));
  }

  private static Optional<StoredSpec> readSpecIfPresent(Path dir) {
    try {
      return Optional.of(
          JSON.readValue(Files.readAllBytes(dir.resolve(SPEC_FILE)), StoredSpec.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Without the parser's message or cause: they may quote the file, and it holds secrets.
      throw new InstanceRuntimeException(
          "Unreadable "
              + SPEC_FILE
              + " of instance "
              + dir.getFileName()
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private static RunState readRun(Path dir) {
    try {
      return JSON.readValue(Files.readAllBytes(dir.resolve(RUN_FILE)), RunState.class);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      log.warn("Unreadable {} in {}: {}", RUN_FILE, dir, e.toString());
      return null;
    }
  }

  private static void writeRun(Path dir, RunState run) throws IOException {
    writeAtomically(dir.resolve(RUN_FILE), JSON.writeValueAsBytes(run), false);
  }

  /** Writes through a temporary file and a rename, so readers never see half a file. */
  static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Path dir = target.getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(ownerOnly ? OWNER_ONLY_FILE : READABLE_FILE)
            }
            : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
    try {
      Files.write(temp, content);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    try {
      if (posix) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      // a create that failed half-way: finish it
    }
    if (posix) {
      // Also for a folder an earlier, failed create left behind.
      Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
    }
  }

  /** The last {@code lines} lines of a file, read from its end (logs grow without bound). */
  static String tail(Path file, int lines) throws IOException {
    if (lines <= 0) {
      return "";
    }
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      long start = 0;
      int seen = 0;
      long position = size;
      ByteBuffer buffer = ByteBuffer.allocate(TAIL_CHUNK);
      search:
      while (position > 0 && size - position < MAX_TAIL_BYTES) {
        int length = (int) Math.min(TAIL_CHUNK, position);
        position -= length;
        buffer.clear().limit(length);
        channel.position(position);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
          // read the whole chunk
        }
        for (int i = length - 1; i >= 0; i--) {
          long at = position + i;
          // A final newline ends the last line; it does not start another one.
          if (buffer.get(i) == '\n' && at != size - 1 && ++seen == lines) {
            start = at + 1;
            break search;
          }
        }
      }
      start = Math.max(start, size - MAX_TAIL_BYTES);
      ByteBuffer text = ByteBuffer.allocate((int) (size - start));
      channel.position(start);
      while (text.hasRemaining() && channel.read(text) >= 0) {
        // read to the end
      }
      return new String(text.array(), 0, text.position(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(LocalProcessRuntime::deleteQuietly);
    } catch (IOException e) {
      log.warn("Could not delete {} completely: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", path, e.toString());
    }
  }

  /** A command on this JVM's PATH (or a path), if it is there and executable. */
  static Optional<Path> executable(String command) {
    if (command.contains(File.separator)) {
      Path path = Path.of(command).toAbsolutePath();
      return Files.isRegularFile(path) && Files.isExecutable(path)
          ? Optional.of(path)
          : Optional.empty();
    }
    String searchPath = System.getenv("PATH");
    if (searchPath == null) {
      return Optional.empty();
    }
    for (String entry : searchPath.split(Pattern.quote(File.pathSeparator))) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private static Instant parseInstant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }

  /** spec.json: the spec as created. */
  record StoredSpec(
      String name,
      String image,
      Map<String, String> env,
      Map<String, String> labels,
      Long nanoCpus,
      Long memoryBytes,
      RestartPolicy restartPolicy,
      String createdAt) {

    StoredSpec {
      env = env == null ? Map.of() : env;
      labels = labels == null ? Map.of() : labels;
    }

    /** Never the values of env: they may be secrets. */
    @Override
    public String toString() {
      return "StoredSpec[name=" + name + ", env=" + env.keySet() + ", labels=" + labels + "]";
    }
  }

  /** run.json: the last start of an instance. */
  record RunState(long pid, String startedAt, Integer exitCode) {}

  @Override
  public String toString() {
    return "LocalProcessRuntime[" + workDir + "]";
  }
}
