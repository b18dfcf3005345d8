package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A team with 10,000 devices (rows made in SQL): paging through them, settings hashes, the bulk
 * target and status of all of them, heartbeats answered from memory and written behind in batches.
 * Times are printed; the bounds are loose (CI shares two cores with other work).
 */
class DeviceScaleTest extends DeviceTestSupport {

  private static final int DEVICES = 10_000;

  /** Devices that heartbeat here (the benchmark sends many more, from outside the JVM). */
  private static final int BEATING = 3_000;

  @Autowired DeviceService devices;
  @Autowired LiveDevices live;

  @Test
  void tenThousandDevicesPageBulkAndHeartbeat() throws Exception {
    String seed = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(4));
    long start = System.nanoTime();
    jdbc.sql(
            "insert into flowgate.token (id, kind, name, hash, organization_id, team_id,"
                + " subject_id, created_at, created_by)"
                + " select substr(md5(:seed || 't' || g), 1, 16), 'device', 'device ' || g,"
                + " encode(sha256(convert_to('fgd_' || substr(md5(substr(md5(:seed || 'd' || g),"
                + " 1, 16)) || md5(substr(md5(:seed || 'd' || g), 1, 16) || 'x'), 1, 43), 'UTF8')),"
                + " 'hex'), :org, :team, substr(md5(:seed || 'd' || g), 1, 16), now(), 'scale'"
                + " from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("n", DEVICES)
        .update();
    jdbc.sql(
            "insert into flowgate.device (id, organization_id, team_id, application_id, name,"
                + " type, token_id, credential_secret, settings_hash, live_changed_at, created_at,"
                + " created_by) select substr(md5(:seed || 'd' || g), 1, 16), :org, :team, :app,"
                + " 'scale-' || lpad(g::text, 5, '0'), 'sim', substr(md5(:seed || 't' || g), 1, 16),"
                + " 'v1:none', repeat('0', 64), now(), now(), 'scale'"
                + " from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("app", application)
        .param("n", DEVICES)
        .update();
    List<String> ids =
        jdbc.sql("select id from flowgate.device where team_id = ? order by id")
            .param(team)
            .query(String.class)
            .list();
    assertThat(ids).hasSize(DEVICES);
    report("insert 10,000 devices (SQL)", start);

    start = System.nanoTime();
    devices.recomputeSettings(ids);
    report("settings hashes of 10,000 devices", start);
    assertThat(count("select count(*) from flowgate.device where settings_hash = repeat('0', 64)"))
        .isZero();

    start = System.nanoTime();
    int seen = 0;
    String after = null;
    do {
      JsonNode page =
          expect(
                  get(
                      "/api/v1/teams/"
                          + team
                          + "/devices?limit=1000"
                          + (after == null ? "" : "&after=" + after),
                      as(owner)),
                  200)
              .json();
      seen += page.path("items").size();
      after = page.path("next").isNull() ? null : page.path("next").asText();
    } while (after != null);
    assertThat(seen).isEqualTo(DEVICES);
    long paging = report("page through 10,000 devices, 1000 a page", start);
    assertThat(paging).isLessThan(30_000);

    String snapshot = snapshot("scale", "1");
    start = System.nanoTime();
    assertThat(devices.setTarget(ids, snapshot)).isEqualTo(DEVICES);
    report("setTarget of 10,000 devices", start);
    start = System.nanoTime();
    List<DeviceStatus> status = devices.status(ids);
    report("status of 10,000 devices", start);
    assertThat(status).hasSize(DEVICES).allMatch(s -> snapshot.equals(s.targetSnapshotId()));

    // devices heartbeat once (each a first load), then again from memory
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int round = 1; round <= 2; round++) {
      AtomicInteger conflicts = new AtomicInteger();
      AtomicInteger others = new AtomicInteger();
      long[] latencies = new long[BEATING];
      start = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(32)) {
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < BEATING; i++) {
          int index = i;
          done.add(
              pool.submit(
                  () -> {
                    String id = ids.get(index);
                    long sent = System.nanoTime();
                    int statusCode = beat(http, id, snapshot);
                    latencies[index] = System.nanoTime() - sent;
                    if (statusCode == 409) {
                      conflicts.incrementAndGet();
                    } else if (statusCode != 200) {
                      others.incrementAndGet();
                    }
                  }));
        }
        for (Future<?> future : done) {
          future.get();
        }
      }
      long millis = report(BEATING + " heartbeats, round " + round + ", 32 client threads", start);
      Arrays.sort(latencies);
      System.out.printf(
          "scale: round %d: %.0f heartbeats/s, p50 %.1f ms, p99 %.1f ms%n",
          round,
          BEATING * 1000.0 / Math.max(1, millis),
          latencies[BEATING / 2] / 1e6,
          latencies[BEATING * 99 / 100] / 1e6);
      assertThat(others.get()).isZero();
      assertThat(conflicts.get()).isEqualTo(BEATING); // settings differ: incorrect-settings
    }
    start = System.nanoTime();
    live.flush();
    report("last flush of the heartbeats (one UPDATE ... FROM unnest)", start);
    assertThat(
            count(
                "select count(*) from flowgate.device where team_id = '"
                    + team
                    + "' and reported_snapshot_id = '"
                    + snapshot
                    + "' and stable_heartbeats = 2"))
        .isEqualTo(BEATING);
  }

  private int beat(HttpClient http, String id, String snapshot) {
    String token = "fgd_" + (md5(id) + md5(id + "x")).substring(0, 43);
    try {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + port + "/api/v1/devices/" + id + "/live/state"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(30))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(state(snapshot, "none", "running"))))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("MD5")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long report(String what, long startNanos) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    System.out.printf("scale: %s: %d ms%n", what, millis);
    return millis;
  }
}
