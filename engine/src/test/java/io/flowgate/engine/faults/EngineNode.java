package io.flowgate.engine.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Flowgate engine node as its own operating-system process, started from the built jar the way
 * an operator starts it, so that {@link #kill9()} is a real {@code kill -9}: no shutdown hook, no
 * rollback but PostgreSQL's own, the node's job locks left in the database.
 */
final class EngineNode implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path jar;
  private final Path data;
  private final int port;
  private final Map<String, String> env;
  private Process process;
  private Path log;
  private int starts;
  private List<String> holds = List.of();

  EngineNode(String name, Path jar, Path data, int port, Map<String, String> env) {
    this.name = name;
    this.jar = jar;
    this.data = data;
    this.port = port;
    this.env = new LinkedHashMap<>(env);
  }

  String name() {
    return name;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  Path log() {
    return log;
  }

  /**
   * Starts the node and waits until it is healthy. {@code holdAt} names the fault points ({@code
   * process:activity}) where it holds until killed, or is empty.
   */
  EngineNode start(List<String> holdAt) throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " runs already");
    }
    starts++;
    Files.createDirectories(data);
    log = data.resolve("engine-" + name + "-" + starts + ".log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    // a short-lived test node: quick start matters more than peak speed
    command.addAll(List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(List.of("-jar", jar.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(data.toFile());
    builder.environment().putAll(env);
    builder.environment().put("FLOWGATE_PORT", Integer.toString(port));
    builder.environment().put("FLOWGATE_NODE_NAME", name);
    builder.environment().put("FLOWGATE_DATA", data.toString());
    if (holdAt.isEmpty()) {
      builder.environment().remove("FLOWGATE_FAULTS_HOLD_AT");
    } else {
      builder.environment().put("FLOWGATE_FAULTS_HOLD_AT", String.join(",", holdAt));
    }
    holds = List.copyOf(holdAt);
    process = builder.start();
    awaitHealthy(Duration.ofSeconds(180));
    return this;
  }

  /** Waits for {@code /actuator/health} to answer UP (a restarted PostgreSQL, a fresh start). */
  void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited at start; last lines:\n" + tail(40));
      }
      if (healthy()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " not healthy within " + timeout + ":\n" + tail(40));
      }
      Thread.sleep(250);
    }
  }

  boolean healthy() throws InterruptedException {
    try {
      HttpResponse<String> health =
          HTTP.send(
              HttpRequest.newBuilder(url().resolve("/actuator/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return health.statusCode() == 200 && health.body().contains("\"UP\"");
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits for the line the engine prints when a thread holds at a fault point. */
  String awaitHeld(String point, Duration timeout) throws IOException, InterruptedException {
    String wanted = "Fault point held: " + point + " ";
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains(wanted)) {
          return line;
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " died before " + point + ":\n" + tail(40));
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        name + " never held at " + point + " in " + timeout + ":\n" + tail(60));
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill9() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroyForcibly(); // SIGKILL on Linux
    process.waitFor();
  }

  /** The fault points this node was started with. */
  List<String> holds() {
    return holds;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  String tail(int lines) throws IOException {
    if (log == null || !Files.exists(log)) {
      return "(no log)";
    }
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Stops the node gracefully (SIGTERM), falling back to SIGKILL after 30 s. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        kill9();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
