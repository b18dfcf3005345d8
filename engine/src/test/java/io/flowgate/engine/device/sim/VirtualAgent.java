package io.flowgate.engine.device.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One virtual device agent that speaks the HTTP-polling protocol of the FlowFuse device agent
 * (device-protocol.md): it posts heartbeats with what it runs, and on a 409 fetches {@code
 * live/snapshot} and {@code live/settings}, hands them to its {@link DeviceRuntime} and reports the
 * outcome in a heartbeat right away, as the real agent does. Like the real agent it sends no
 * heartbeat while it updates, and a 401 or 404 on a heartbeat is fatal: it stops for good.
 *
 * <p>A failing agent (see {@link Failure}) runs the target snapshot badly: it reports {@code
 * crashed} with a restart count that rises on every heartbeat, or {@code error}, for the target.
 */
public final class VirtualAgent {

  /** How an agent fails a snapshot it was told to fail. */
  public enum Failure {
    /** Reports {@code crashed} and a restart count that rises with every heartbeat. */
    CRASHED,
    /** Reports {@code error}. */
    ERROR
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String AGENT_VERSION = "4.2.1";

  private final String deviceId;
  private final String token;
  private final String credentialSecret;
  private final String authorization;
  private final LeanHttp http;
  private final LeanHttp fetches;
  private final DeviceRuntime runtime;
  private final java.util.function.Predicate<String> failsSnapshot;
  private final Failure failure;
  private final java.util.concurrent.Executor updates;
  private final Latencies latencies;
  private final long startedAt = System.nanoTime();

  private volatile String application;
  private volatile String snapshot;
  private volatile String settings;
  private volatile String state = "stopped";
  private volatile int restartCount;
  private volatile boolean updating;
  private volatile String fatal;
  private volatile JsonNode lastSnapshot;
  private volatile JsonNode lastSettings;
  private volatile String lastError;
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final AtomicInteger conflicts = new AtomicInteger();
  private final AtomicInteger updateCount = new AtomicInteger();
  private final AtomicLong failedRequests = new AtomicLong();

  VirtualAgent(
      String deviceId,
      String token,
      String credentialSecret,
      LeanHttp http,
      LeanHttp fetches,
      DeviceRuntime runtime,
      java.util.function.Predicate<String> failsSnapshot,
      Failure failure,
      java.util.concurrent.Executor updates,
      Latencies latencies) {
    this.authorization = "Bearer " + token;
    this.fetches = fetches;
    this.deviceId = deviceId;
    this.token = token;
    this.credentialSecret = credentialSecret;
    this.http = http;
    this.runtime = runtime;
    this.failsSnapshot = failsSnapshot;
    this.failure = failure;
    this.updates = updates;
    this.latencies = latencies;
  }

  /** What the agent posts as its heartbeat (its {@code getState()}). */
  public ObjectNode state() {
    ObjectNode body = JSON.createObjectNode();
    body.put("ownerType", application == null ? "none" : "application");
    body.putNull("project");
    body.put("application", application);
    body.put("snapshot", snapshot);
    body.put("settings", settings);
    body.put("state", state);
    body.put("mode", "autonomous");
    body.put("targetState", "running");
    ObjectNode health = body.putObject("health");
    health.put("uptime", (System.nanoTime() - startedAt) / 1_000_000_000L);
    health.put("snapshotRestartCount", restartCount);
    body.put("agentVersion", AGENT_VERSION);
    body.put(
        "nodeRedVersion",
        lastSnapshot == null ? null : lastSnapshot.path("modules").path("node-red").asText(null));
    body.put("nodejsVersion", "v20.20.2");
    body.putNull("licensed");
    return body;
  }

  /**
   * One heartbeat, and the update a 409 asks for; completes when both are done. A busy or stopped
   * agent sends nothing.
   */
  public CompletableFuture<Integer> checkIn() {
    if (updating || fatal != null) {
      return CompletableFuture.completedFuture(0);
    }
    if (state.equals("crashed")) {
      restartCount++; // the launcher restarts Node-RED, which crashes again
    }
    heartbeats.incrementAndGet();
    long sent = System.nanoTime();
    return http.send(
            "POST",
            "/api/v1/devices/" + deviceId + "/live/state",
            authorization,
            state().toString().getBytes(StandardCharsets.UTF_8))
        .thenCompose(
            response -> {
              latencies.record(System.nanoTime() - sent);
              return onHeartbeatAnswer(response);
            })
        .exceptionally(
            failed -> {
              failedRequests.incrementAndGet();
              lastError = failed.toString();
              return -1;
            });
  }

  private CompletableFuture<Integer> onHeartbeatAnswer(LeanHttp.Response response) {
    int status = response.status();
    if (status == 401 || status == 404) {
      fatal = status + " " + response.body();
      runtime.stop();
      state = "stopped";
      return CompletableFuture.completedFuture(status);
    }
    if (status == 409) {
      conflicts.incrementAndGet();
      JsonNode target = read(response.body());
      updating = true;
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return update(target);
                } finally {
                  updating = false;
                }
              },
              updates)
          // like the real agent (checkIn(2) after an update), report the new state at once
          .thenCompose(applied -> applied ? checkIn() : CompletableFuture.completedFuture(status));
    }
    if (status != 200) {
      failedRequests.incrementAndGet();
      lastError = status + " " + response.body();
    }
    return CompletableFuture.completedFuture(status);
  }

  /**
   * What the agent does with a 409: fetch, apply, restart Node-RED. True when it applied a new
   * snapshot or settings (whether they then run or fail), false when nothing changed or the update
   * itself failed.
   */
  private boolean update(JsonNode target) {
    updateCount.incrementAndGet();
    if (target.hasNonNull("application")) {
      application = target.get("application").asText();
    } else if (target.has("application")) {
      application = null;
    }
    String targetSnapshot =
        target.path("snapshot").isTextual() ? target.get("snapshot").asText() : null;
    String targetSettings =
        target.path("settings").isTextual() ? target.get("settings").asText() : null;
    if (targetSnapshot == null) {
      runtime.stop();
      snapshot = null;
      lastSnapshot = null;
      state = "stopped";
      restartCount = 0;
      return true;
    }
    boolean newSnapshot = !targetSnapshot.equals(snapshot);
    if (!newSnapshot && Objects.equals(targetSettings, settings) && !state.equals("error")) {
      return false;
    }
    state = "updating";
    try {
      JsonNode fetchedSnapshot =
          newSnapshot || lastSnapshot == null ? get("live/snapshot") : lastSnapshot;
      JsonNode fetchedSettings = get("live/settings");
      if (!fetchedSnapshot.path("id").isTextual()) {
        throw new IllegalStateException("live/snapshot has no id");
      }
      runtime.stop();
      lastSnapshot = fetchedSnapshot;
      lastSettings = fetchedSettings;
      snapshot = fetchedSnapshot.get("id").asText();
      settings = fetchedSettings.path("hash").asText(null);
      if (newSnapshot) {
        restartCount = 0;
      }
      if (failsSnapshot.test(snapshot)) {
        state = failure == Failure.CRASHED ? "crashed" : "error";
        return true;
      }
      runtime.run(fetchedSnapshot, fetchedSettings, credentialSecret);
      state = "running";
      return true;
    } catch (Exception e) {
      lastError = e.toString();
      state = "error";
      return false;
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    LeanHttp.Response response =
        await(fetches.send("GET", "/api/v1/devices/" + deviceId + "/" + path, authorization, null));
    if (response.status() != 200) {
      throw new IOException("GET " + path + ": " + response.status() + " " + response.body());
    }
    return read(response.body());
  }

  /** Posts an audit event as the agent does (errors ignored). */
  public int audit(String event, JsonNode info) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("event", event);
    body.set("info", info);
    return await(
            http.send(
                "POST",
                "/logging/device/" + deviceId + "/audit",
                authorization,
                body.toString().getBytes(StandardCharsets.UTF_8)))
        .status();
  }

  private static LeanHttp.Response await(CompletableFuture<LeanHttp.Response> answer)
      throws IOException, InterruptedException {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  public String deviceId() {
    return deviceId;
  }

  public String credentialSecret() {
    return credentialSecret;
  }

  /** The snapshot it runs (or fails), as it reports it. */
  public String snapshot() {
    return snapshot;
  }

  public String settingsHash() {
    return settings;
  }

  public String reportedState() {
    return state;
  }

  public int restartCount() {
    return restartCount;
  }

  public String application() {
    return application;
  }

  /** The latest {@code live/snapshot} it fetched, or null. */
  public JsonNode lastSnapshot() {
    return lastSnapshot;
  }

  /** The latest {@code live/settings} it fetched, or null. */
  public JsonNode lastSettings() {
    return lastSettings;
  }

  /** Why it stopped for good (a 401 or 404 on a heartbeat), or null while it polls. */
  public String fatal() {
    return fatal;
  }

  public String lastError() {
    return lastError;
  }

  public int heartbeats() {
    return heartbeats.get();
  }

  public int conflicts() {
    return conflicts.get();
  }

  public int updates() {
    return updateCount.get();
  }

  public long failedRequests() {
    return failedRequests.get();
  }

  public DeviceRuntime runtime() {
    return runtime;
  }

  @Override
  public String toString() {
    return "VirtualAgent[" + deviceId + " " + state + " " + snapshot + "]";
  }
}
