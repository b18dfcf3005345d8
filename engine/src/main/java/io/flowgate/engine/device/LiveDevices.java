package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.token.TokenSecrets;
import io.flowgate.engine.web.ApiProblem;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The devices as heartbeats see them, in memory: who they are, their token's hash, what they are to
 * run, and what they last reported. A heartbeat is checked and answered from here and never waits
 * for the database or the process engine; its report is written behind, for all devices at once,
 * every {@code FLOWGATE_DEVICE_FLUSH_INTERVAL} (one {@code UPDATE ... FROM unnest(...)}).
 *
 * <p>A device is loaded on its first request. Changes made through this node refresh it when they
 * commit; every {@code refreshInterval} this node also reads the devices changed and the device
 * tokens revoked since it last looked (by any engine node on the database), so a revoked token
 * stops working within about that time.
 */
@Component
public class LiveDevices implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LiveDevices.class);
  private static final String BEARER = "Bearer ";

  /** Changes that committed late (long transactions) are still seen. */
  private static final Duration REFRESH_OVERLAP = Duration.ofSeconds(15);

  private static final int FLUSH_BATCH = 10_000;
  private static final int MAX_TEXT = 200;

  /** What heartbeats are answered from; replaced whole when the device changes. */
  record Target(
      String organizationId,
      String teamId,
      String applicationId,
      String applicationName,
      String name,
      String type,
      String targetSnapshotId,
      String settingsHash,
      byte[] tokenHash,
      String sealedCredentialSecret,
      String nodeRedVersionPin) {
    @Override
    public String toString() {
      return "Target[" + name + ", snapshot=" + targetSnapshotId + "]";
    }
  }

  /** One device in memory. */
  static final class Entry {
    final String id;
    volatile Target target;
    volatile Report report;
    final AtomicBoolean dirty = new AtomicBoolean();

    Entry(String id, Target target, Report report) {
      this.id = id;
      this.target = target;
      this.report = report;
    }
  }

  /** The answer to a heartbeat: 200 with an empty body, or 409 with the targets. */
  record Answer(boolean inOrder, String error, Target target) {}

  private final DeviceRepository devices;
  private final Clock clock;
  private final long flushMillis;
  private final long refreshMillis;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Entry> dirty = new ConcurrentLinkedQueue<>();
  private final Object flushLock = new Object();
  private volatile Instant lastRefresh;
  private ScheduledExecutorService executor;

  LiveDevices(DeviceRepository devices, Clock clock, FlowgateProperties properties) {
    this.devices = devices;
    this.clock = clock;
    this.flushMillis = Math.max(10, properties.devices().flushInterval().toMillis());
    this.refreshMillis = Math.max(10, properties.devices().refreshInterval().toMillis());
  }

  /**
   * The device the request is for, if its token is the device's: 404 for an unknown device, 401 for
   * a missing, malformed, wrong or revoked token. The token is compared in constant time.
   */
  Entry authenticate(String deviceId, String authorization) {
    Entry entry = entry(deviceId).orElseThrow(() -> ApiProblem.notFound("Device", deviceId));
    byte[] expected = entry.target.tokenHash;
    String token = bearer(authorization);
    boolean valid =
        token != null
            && expected != null
            && TokenSecrets.kindOf(token).filter(kind -> kind == TokenKind.DEVICE).isPresent()
            && java.security.MessageDigest.isEqual(
                expected, TokenSecrets.hash(token).getBytes(StandardCharsets.US_ASCII));
    if (!valid) {
      throw new ApiProblem(
          HttpStatus.UNAUTHORIZED,
          "Unauthorized",
          "Send 'Authorization: Bearer <device token>' with the token of this device from its"
              + " device.yml; a device token is valid for its own device only",
          List.of());
    }
    return entry;
  }

  /** Records a heartbeat and says whether the device runs what it should. */
  Answer heartbeat(Entry entry, JsonNode body) {
    JsonNode health = body.path("health");
    String snapshot = text(body, "snapshot");
    String settings = text(body, "settings");
    Instant now = Instant.now(clock);
    synchronized (entry) {
      entry.report =
          entry.report.next(
              text(body, "state"),
              snapshot,
              settings,
              text(body, "application"),
              text(body, "agentVersion"),
              text(body, "nodeRedVersion"),
              text(body, "nodejsVersion"),
              health.path("snapshotRestartCount").canConvertToInt()
                  ? health.path("snapshotRestartCount").asInt()
                  : null,
              health.path("uptime").canConvertToLong() ? health.path("uptime").asLong() : null,
              now);
    }
    if (entry.dirty.compareAndSet(false, true)) {
      dirty.add(entry);
    }
    return answer(entry.target, snapshot, settings);
  }

  /**
   * In order when the device runs the target snapshot with the target settings, or runs nothing and
   * should run nothing. The application the agent names is not compared: an agent adopts it from
   * the next 409, and insisting would cost every fresh agent a second full deploy.
   */
  static Answer answer(Target target, String snapshot, String settings) {
    if (target.targetSnapshotId() == null) {
      return snapshot == null
          ? new Answer(true, null, target)
          : new Answer(false, "incorrect-snapshot", target);
    }
    if (!target.targetSnapshotId().equals(snapshot)) {
      return new Answer(false, "incorrect-snapshot", target);
    }
    if (!target.settingsHash().equals(settings)) {
      return new Answer(false, "incorrect-settings", target);
    }
    return new Answer(true, null, target);
  }

  /** The latest report of a device this node holds, if it is newer than {@code stored}. */
  Report latest(String deviceId, Report stored) {
    Entry entry = entries.get(deviceId);
    if (entry == null) {
      return stored;
    }
    Report held = entry.report;
    return held.newerThan(stored) ? held : stored;
  }

  /** Reloads these devices from the database when the current transaction commits (or now). */
  void refreshAfterCommit(Collection<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<String> copy = List.copyOf(new HashSet<>(ids));
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              refresh(copy);
            }
          });
    } else {
      refresh(copy);
    }
  }

  /** Reloads the devices this node holds among {@code ids}; forgets those that are gone. */
  void refresh(Collection<String> ids) {
    List<String> held = ids.stream().filter(entries::containsKey).toList();
    for (int from = 0; from < held.size(); from += FLUSH_BATCH) {
      List<String> chunk = held.subList(from, Math.min(held.size(), from + FLUSH_BATCH));
      Set<String> found = new HashSet<>();
      for (DeviceRepository.LiveRow row : devices.live(chunk)) {
        found.add(row.id());
        apply(row);
      }
      chunk.stream().filter(id -> !found.contains(id)).forEach(entries::remove);
    }
  }

  private Optional<Entry> entry(String deviceId) {
    Entry entry = entries.get(deviceId);
    if (entry != null) {
      return Optional.of(entry);
    }
    if (!io.flowgate.engine.platform.Ids.isWellFormed(deviceId)) {
      return Optional.empty();
    }
    Optional<DeviceRepository.LiveRow> row;
    try {
      row = devices.live(deviceId);
    } catch (DataAccessException e) {
      // never 401 or 404 because the database is slow or away: the agent would wipe itself
      throw new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Service unavailable",
          "Flowgate cannot read its database right now; try again",
          List.of());
    }
    return row.map(
        found ->
            entries.computeIfAbsent(deviceId, id -> new Entry(id, target(found), found.report())));
  }

  private void apply(DeviceRepository.LiveRow row) {
    Entry entry = entries.get(row.id());
    if (entry != null) {
      entry.target = target(row);
    }
  }

  private static Target target(DeviceRepository.LiveRow row) {
    return new Target(
        row.organizationId(),
        row.teamId(),
        row.applicationId(),
        row.applicationName(),
        row.name(),
        row.type(),
        row.targetSnapshotId(),
        row.settingsHash(),
        row.tokenActive() && row.tokenHash() != null
            ? row.tokenHash().getBytes(StandardCharsets.US_ASCII)
            : null,
        row.sealedCredentialSecret(),
        row.nodeRedVersionPin());
  }

  /** Writes the reports received since the last flush, in batches of one statement each. */
  void flush() {
    synchronized (flushLock) {
      List<Entry> batch = new ArrayList<>();
      Entry entry;
      while ((entry = dirty.poll()) != null) {
        batch.add(entry);
        if (batch.size() == FLUSH_BATCH) {
          write(batch);
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
    }
  }

  private void write(List<Entry> batch) {
    List<String> ids = new ArrayList<>(batch.size());
    List<Report> reports = new ArrayList<>(batch.size());
    for (Entry entry : batch) {
      entry.dirty.set(false);
      ids.add(entry.id);
      reports.add(entry.report);
    }
    long start = System.nanoTime();
    try {
      devices.writeReports(ids, reports);
      if (log.isDebugEnabled()) {
        log.debug(
            "Wrote {} device heartbeats in {} ms",
            ids.size(),
            (System.nanoTime() - start) / 1_000_000);
      }
    } catch (Exception e) {
      if (e instanceof java.sql.SQLException sql && "55P03".equals(sql.getSQLState())) {
        // lock_not_available: gave way to a bulk update of the same devices (a rollout step)
        log.debug("{} device heartbeats gave way to a bulk update; trying again", ids.size());
      } else {
        log.warn(
            "Could not write {} device heartbeats; trying again: {}", ids.size(), e.toString());
      }
      for (Entry failed : batch) {
        if (failed.dirty.compareAndSet(false, true)) {
          dirty.add(failed);
        }
      }
    }
  }

  /** Looks for devices changed and device tokens revoked since the last look. */
  void refreshChanged() {
    Instant now = devices.databaseNow();
    Instant since = (lastRefresh == null ? now : lastRefresh).minus(REFRESH_OVERLAP);
    if (!entries.isEmpty()) {
      for (DeviceRepository.LiveRow row : devices.liveChangedSince(since)) {
        apply(row);
      }
      for (String revoked : devices.revokedSince(since)) {
        if (revoked != null) {
          entries.remove(revoked);
        }
      }
    }
    lastRefresh = now;
  }

  /** How many devices this node holds in memory. */
  int size() {
    return entries.size();
  }

  private static String bearer(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    return authorization.substring(BEARER.length()).strip();
  }

  /** A reported text value, at most {@value #MAX_TEXT} characters without control characters. */
  static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull() || value.isContainerNode()) {
      return null;
    }
    String text = value.asText();
    if (text.length() > MAX_TEXT) {
      text = text.substring(0, MAX_TEXT);
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return text.replaceAll("\\p{Cntrl}", "");
      }
    }
    return text;
  }

  @Override
  public void start() {
    if (executor != null) {
      return;
    }
    try {
      lastRefresh = devices.databaseNow();
    } catch (DataAccessException e) {
      lastRefresh = null;
    }
    executor =
        Executors.newScheduledThreadPool(
            2,
            runnable -> Thread.ofPlatform().name("device-heartbeats").daemon().unstarted(runnable));
    executor.scheduleWithFixedDelay(
        () -> run("write heartbeats", this::flush),
        flushMillis,
        flushMillis,
        TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        () -> run("refresh devices", this::refreshChanged),
        refreshMillis,
        refreshMillis,
        TimeUnit.MILLISECONDS);
  }

  private static void run(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("Could not {}: {}", what, e.toString());
    }
  }

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
    // what came in since the last flush
    run("write heartbeats", this::flush);
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }

  /** Stops after the web server (which stops at lower phases than the default), flushing last. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 4096;
  }
}
