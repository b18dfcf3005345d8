package io.flowgate.engine.device.sim;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * N virtual device agents ({@link VirtualAgent}) polling Flowgate over HTTP, each every {@code
 * interval} ± {@code jitter}/2 like the real agent. A share of them ({@code failureRate}, decided
 * per device and snapshot, so the same device fails the same snapshot every time) fail every
 * snapshot they are sent. Reusable by rollout tests and benchmarks: build, {@link #start()}, watch
 * {@link #agents()}, {@link #close()}.
 */
public final class DeviceSimulator implements AutoCloseable {

  /** A device's credentials as its registration answered them. */
  public record Credentials(String deviceId, String token, String credentialSecret) {
    @Override
    public String toString() {
      return "Credentials[" + deviceId + "]";
    }
  }

  /** How the simulated fleet behaves. */
  public record Settings(
      URI forgeUrl,
      Duration interval,
      Duration jitter,
      double failureRate,
      VirtualAgent.Failure failure,
      long seed) {

    public static Settings of(URI forgeUrl) {
      return new Settings(
          forgeUrl,
          Duration.ofMillis(500),
          Duration.ofMillis(200),
          0,
          VirtualAgent.Failure.CRASHED,
          1);
    }

    public Settings interval(Duration interval, Duration jitter) {
      return new Settings(forgeUrl, interval, jitter, failureRate, failure, seed);
    }

    public Settings failing(double rate, VirtualAgent.Failure how) {
      return new Settings(forgeUrl, interval, jitter, rate, how, seed);
    }
  }

  private final Settings settings;

  /**
   * Connections the agents share, as a load generator's: for heartbeats, and apart from them for
   * the snapshot and settings fetched after a 409, so heartbeats do not queue behind a fleet's
   * fetches (real agents each have their own connection). Plenty for 10,000 agents.
   */
  private static final int HEARTBEAT_CONNECTIONS = 32;

  private static final int FETCH_CONNECTIONS = 96;

  private final LeanHttp http;
  private final LeanHttp fetches;
  private final ScheduledExecutorService scheduler;
  private final java.util.concurrent.ExecutorService updates =
      Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, VirtualAgent> agents = new ConcurrentHashMap<>();
  private final List<VirtualAgent> ordered = new ArrayList<>();
  private final Latencies latencies = new Latencies();
  private volatile boolean running;
  private volatile Map.Entry<String, Double> injected;

  public DeviceSimulator(
      Settings settings, List<Credentials> devices, Function<Credentials, DeviceRuntime> runtimes) {
    this.settings = settings;
    this.http = new LeanHttp(settings.forgeUrl(), HEARTBEAT_CONNECTIONS);
    this.fetches = new LeanHttp(settings.forgeUrl(), FETCH_CONNECTIONS);
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            runnable -> Thread.ofPlatform().name("device-simulator").daemon().unstarted(runnable));
    for (Credentials device : devices) {
      VirtualAgent agent =
          new VirtualAgent(
              device.deviceId(),
              device.token(),
              device.credentialSecret(),
              http,
              fetches,
              runtimes.apply(device),
              snapshot -> fails(device.deviceId(), snapshot),
              settings.failure(),
              updates,
              latencies);
      agents.put(device.deviceId(), agent);
      ordered.add(agent);
    }
  }

  /** Agents that only verify what they get (no Node-RED). */
  public DeviceSimulator(Settings settings, List<Credentials> devices) {
    this(settings, devices, device -> DeviceRuntime.verifying());
  }

  /**
   * From now on, {@code rate} of the agents (by device) fail this snapshot when they are sent it,
   * the way {@code failureRate} fails every snapshot: failures injected into one rollout only.
   */
  public void injectFailures(String snapshotId, double rate) {
    injected = Map.entry(snapshotId, rate);
  }

  /** Whether this device fails this snapshot: decided by the seed, the device and the snapshot. */
  boolean fails(String deviceId, String snapshotId) {
    Map.Entry<String, Double> injection = injected;
    double rate =
        injection != null && injection.getKey().equals(snapshotId)
            ? injection.getValue()
            : settings.failureRate();
    if (rate <= 0) {
      return false;
    }
    CRC32 crc = new CRC32();
    crc.update(
        (settings.seed() + "/" + deviceId + "/" + snapshotId).getBytes(StandardCharsets.UTF_8));
    return (crc.getValue() % 10_000) / 10_000.0 < rate;
  }

  /** Starts polling: each agent's first heartbeat comes within 0–500 ms, as the real agent's. */
  public DeviceSimulator start() {
    running = true;
    for (VirtualAgent agent : ordered) {
      schedule(agent, ThreadLocalRandom.current().nextLong(0, 500));
    }
    return this;
  }

  private void schedule(VirtualAgent agent, long delayMillis) {
    if (!running) {
      return;
    }
    scheduler.schedule(
        () -> agent.checkIn().whenComplete((status, failed) -> schedule(agent, nextDelay())),
        delayMillis,
        TimeUnit.MILLISECONDS);
  }

  private long nextDelay() {
    long interval = settings.interval().toMillis();
    long jitter = settings.jitter().toMillis();
    return Math.max(
        1,
        interval
            + (jitter == 0
                ? 0
                : ThreadLocalRandom.current().nextLong(-jitter / 2, jitter / 2 + 1)));
  }

  public List<VirtualAgent> agents() {
    return List.copyOf(ordered);
  }

  public VirtualAgent agent(String deviceId) {
    return agents.get(deviceId);
  }

  /** The heartbeats' round-trip times as the agents saw them. */
  public Latencies latencies() {
    return latencies;
  }

  public long heartbeats() {
    return ordered.stream().mapToLong(VirtualAgent::heartbeats).sum();
  }

  @Override
  public void close() {
    running = false;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    updates.shutdownNow();
    ordered.forEach(agent -> agent.runtime().stop());
    http.close();
    fetches.close();
  }
}
