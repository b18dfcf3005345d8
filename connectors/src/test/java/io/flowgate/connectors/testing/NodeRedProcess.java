package io.flowgate.connectors.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Node-RED started from {@code flowgate.node-red.home} as a child process, on a free port,
 * with its own temporary user directory and the settings.js a test gives. {@link #close()} stops it
 * and deletes the directory. Use with {@link RequiresNodeRed}.
 */
public final class NodeRedProcess implements AutoCloseable {

  public static final String HOME_PROPERTY = "flowgate.node-red.home";
  static final String NODE = "node";

  /** Settings without adminAuth: the Admin API is open. */
  public static final String OPEN_SETTINGS =
      """
      module.exports = {
          flowFile: 'flows.json',
          credentialSecret: 'flowgate-test-only',
          telemetry: { enabled: false, updateNotification: false },
          logging: { console: { level: 'info', metrics: false, audit: false } }
      };
      """;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Path root;
  private final Path userDir;
  private final Path logFile;
  private final int port;
  private final Process process;

  private NodeRedProcess(Path root, Path userDir, Path logFile, int port, Process process) {
    this.root = root;
    this.userDir = userDir;
    this.logFile = logFile;
    this.port = port;
    this.process = process;
  }

  /** Starts Node-RED without adminAuth. */
  public static NodeRedProcess start() {
    return start(OPEN_SETTINGS);
  }

  /**
   * Starts Node-RED with this settings.js and waits until its editor answers.
   *
   * @param settingsJs the whole settings file; the port comes from the command line
   */
  public static NodeRedProcess start(String settingsJs) {
    return start(settingsJs, Map.of());
  }

  /**
   * Starts Node-RED with this settings.js and these files in its user directory (e.g. {@code
   * flows.json} and {@code flows_cred.json}), written before it starts, and waits until its editor
   * answers.
   *
   * @param userDirFiles file name (relative to the user directory) → content
   */
  public static NodeRedProcess start(String settingsJs, Map<String, byte[]> userDirFiles) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        return startOnce(settingsJs, userDirFiles);
      } catch (PortTakenException e) {
        last = e; // the free port was taken between finding and binding it: try another
      }
    }
    throw last;
  }

  private static final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
      super(message);
    }
  }

  private static NodeRedProcess startOnce(String settingsJs, Map<String, byte[]> userDirFiles) {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null) {
      throw new IllegalStateException("System property " + HOME_PROPERTY + " is not set");
    }
    Path root;
    try {
      root = Files.createTempDirectory("flowgate-node-red-");
      Path userDir = Files.createDirectory(root.resolve("data"));
      Path settings = userDir.resolve("settings.js");
      Files.writeString(settings, settingsJs, StandardCharsets.UTF_8);
      for (Map.Entry<String, byte[]> file : userDirFiles.entrySet()) {
        Files.write(userDir.resolve(file.getKey()), file.getValue());
      }
      Path logFile = root.resolve("node-red.log");
      int port = FreePort.find();
      Process process =
          new ProcessBuilder(
                  NODE,
                  Path.of(home, "red.js").toString(),
                  "--userDir",
                  userDir.toString(),
                  "--settings",
                  settings.toString(),
                  "--port",
                  Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      NodeRedProcess nodeRed = new NodeRedProcess(root, userDir, logFile, port, process);
      nodeRed.awaitEditor();
      return nodeRed;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start Node-RED", e);
    }
  }

  private void awaitEditor() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // HTTP/1.1: Java's default HTTP/2 upgrade request ("Upgrade: h2c") goes to Node-RED's
    // websocket upgrade handler and is never answered.
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build()) {
      HttpRequest request =
          HttpRequest.newBuilder(baseUrl()).timeout(Duration.ofSeconds(2)).GET().build();
      while (true) {
        if (!process.isAlive()) {
          String log = log();
          close();
          if (log.contains("EADDRINUSE") || log.contains("port in use")) {
            throw new PortTakenException("Port " + port + " was taken");
          }
          throw new IllegalStateException("Node-RED exited during start:\n" + tail(log));
        }
        try {
          if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          String log = log();
          close();
          throw new IllegalStateException(
              "Node-RED did not answer within " + START_TIMEOUT.toSeconds() + " s:\n" + tail(log));
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("Interrupted while starting Node-RED", e);
    }
  }

  public int port() {
    return port;
  }

  /** The editor and Admin API root, e.g. {@code http://127.0.0.1:41234/}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  public Path userDir() {
    return userDir;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything Node-RED printed so far. */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static String tail(String log) {
    List<String> lines = log.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** Stops Node-RED (SIGTERM, then kill after 10 s) and deletes its directory. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteRecursively(root);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(NodeRedProcess::deleteQuietly);
    } catch (IOException e) {
      // best effort: a leftover temp folder must not fail a test
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "NodeRedProcess[port=" + port + ", userDir=" + userDir + "]";
  }
}
