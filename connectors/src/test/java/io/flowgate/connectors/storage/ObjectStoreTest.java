package io.flowgate.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ObjectStore} against a real S3 server (s3proxy on disk). */
class ObjectStoreTest {

  private static S3ProxyServer s3;
  private ObjectStore store;

  @BeforeAll
  static void startServer() {
    s3 = S3ProxyServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (s3 != null) {
      s3.close();
    }
  }

  @BeforeEach
  void openStore() {
    // A bucket per test: tests do not see each other's objects.
    store =
        new ObjectStore(s3.settings("flowgate-" + UUID.randomUUID().toString().substring(0, 8)));
    store.ensureBucket();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void ensureBucketIsIdempotentAcrossClients() {
    store.ensureBucket();
    try (ObjectStore other = new ObjectStore(store.settings())) {
      other.ensureBucket();
      other.put("probe.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain");
    }
    assertThat(store.stat("probe.txt")).isPresent();
  }

  @Test
  void putGetStatAndDeleteAnObject() throws Exception {
    byte[] flows = "[{\"id\":\"a1\",\"type\":\"tab\"}]".getBytes(StandardCharsets.UTF_8);
    Instant before = Instant.now().minusSeconds(5);

    store.put("snapshots/s1/flows.json", flows, "application/json");

    try (InputStream in = store.get("snapshots/s1/flows.json")) {
      assertThat(in.readAllBytes()).isEqualTo(flows);
    }
    ObjectInfo info = store.stat("snapshots/s1/flows.json").orElseThrow();
    assertThat(info.key()).isEqualTo("snapshots/s1/flows.json");
    assertThat(info.size()).isEqualTo(flows.length);
    assertThat(info.etag()).isNotBlank().doesNotContain("\"");
    assertThat(info.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(5));

    store.delete("snapshots/s1/flows.json");

    assertThat(store.stat("snapshots/s1/flows.json")).isEmpty();
    assertThat(store.list("snapshots/")).isEmpty();
  }

  @Test
  void overwritingAKeyReplacesItsContent() throws Exception {
    store.put("instances/i1/package.json", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), null);
    store.put("instances/i1/package.json", "{\"v\":22}".getBytes(StandardCharsets.UTF_8), null);

    try (InputStream in = store.get("instances/i1/package.json")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"v\":22}");
    }
    assertThat(store.stat("instances/i1/package.json").orElseThrow().size()).isEqualTo(8);
  }

  @Test
  void listIsRecursiveAndLimitedToThePrefix() {
    store.put("instances/i1/flows.json", bytes(10), "application/json");
    store.put("instances/i1/lib/functions/f.js", bytes(20), "text/javascript");
    store.put("instances/i1/.config.nodes.json", bytes(30), "application/json");
    store.put("instances/i10/flows.json", bytes(40), "application/json");
    store.put("snapshots/s1/flows.json", bytes(50), "application/json");

    List<ObjectInfo> listed = store.list("instances/i1/");

    assertThat(listed)
        .extracting(ObjectInfo::key)
        .containsExactly(
            "instances/i1/.config.nodes.json",
            "instances/i1/flows.json",
            "instances/i1/lib/functions/f.js");
    assertThat(listed).extracting(ObjectInfo::size).containsExactly(30L, 10L, 20L);
    assertThat(store.list("")).hasSize(5);
  }

  @Test
  void deletePrefixRemovesOnlyThatPrefixAcrossSeveralBatches() {
    // More than one delete batch (1,000 keys per S3 DeleteObjects request).
    IntStream.range(0, 1_005)
        .parallel()
        .forEach(i -> store.put("instances/i1/files/" + i + ".txt", bytes(1), "text/plain"));
    store.put("instances/i10/flows.json", bytes(1), "application/json");
    store.put("instances/i2/flows.json", bytes(1), "application/json");
    assertThat(store.list("instances/i1/")).hasSize(1_005);

    store.deletePrefix("instances/i1/");

    assertThat(store.list("instances/i1/")).isEmpty();
    assertThat(store.list("instances/"))
        .extracting(ObjectInfo::key)
        .containsExactly("instances/i10/flows.json", "instances/i2/flows.json");
  }

  @Test
  void deletePrefixRefusesTheWholeBucket() {
    store.put("keep.txt", bytes(1), "text/plain");

    assertThatThrownBy(() -> store.deletePrefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.stat("keep.txt")).isPresent();
  }

  @Test
  void missingObjectsAreReportedAsNotFound() {
    assertThat(store.stat("snapshots/none.json")).isEmpty();
    assertThatThrownBy(() -> store.get("snapshots/none.json"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining("snapshots/none.json")
        .satisfies(
            e -> assertThat(((ObjectNotFoundException) e).key()).isEqualTo("snapshots/none.json"));
    store.delete("snapshots/none.json"); // deleting what is gone is fine (retried steps)
  }

  @Test
  void aKnownSizeStreamLargerThanOnePartRoundTrips() throws Exception {
    int size = (int) (ObjectStore.PART_SIZE * 2 + 12_345); // three parts
    byte[] payload = new byte[size];
    new Random(42).nextBytes(payload);

    store.put("exports/e1.tar.gz", new ByteArrayInputStream(payload), size, "application/gzip");

    assertThat(store.stat("exports/e1.tar.gz").orElseThrow().size()).isEqualTo(size);
    try (InputStream in = store.get("exports/e1.tar.gz")) {
      assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(payload));
    }
  }

  @Test
  void pingSucceedsAgainstARunningServer() {
    store.ping();
  }

  @Test
  void pingFailsFastWhenNothingListens() {
    ObjectStoreSettings nowhere =
        new ObjectStoreSettings(
            URI.create("http://127.0.0.1:" + FreePort.find()), "key", "secret", "bucket", null);
    try (ObjectStore unreachable = new ObjectStore(nowhere)) {
      long started = System.nanoTime();
      assertThatThrownBy(unreachable::ping)
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("unreachable");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }

  /** A store that is down is a storage failure, for calls naming a key too (was a NPE). */
  @Test
  void callsOnAKeyFailAsStorageFailuresWhenNothingListens() {
    ObjectStoreSettings nowhere =
        new ObjectStoreSettings(
            URI.create("http://127.0.0.1:" + FreePort.find()), "key", "secret", "bucket", null);
    try (ObjectStore unreachable = new ObjectStore(nowhere)) {
      assertThatThrownBy(() -> unreachable.put("snapshots/a.json", new byte[] {1}, "text/plain"))
          .isExactlyInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("unreachable");
      assertThatThrownBy(() -> unreachable.stat("snapshots/a.json"))
          .isExactlyInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("unreachable");
    }
  }

  @Test
  void wrongCredentialsFailWithoutPrintingTheSecret() {
    ObjectStoreSettings good = store.settings();
    String wrongSecret = "wrong-secret-" + UUID.randomUUID();
    ObjectStoreSettings wrong =
        new ObjectStoreSettings(
            good.endpoint(), good.accessKey(), wrongSecret, good.bucket(), good.region());
    try (ObjectStore denied = new ObjectStore(wrong)) {
      assertThatThrownBy(denied::ping)
          .isInstanceOf(ObjectStoreException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret));
      assertThatThrownBy(() -> denied.put("x", bytes(1), "text/plain"))
          .isInstanceOf(ObjectStoreException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret));
    }
  }

  @Test
  void settingsNeverPrintTheSecretKey() {
    ObjectStoreSettings settings = store.settings();

    assertThat(settings.toString())
        .contains(settings.accessKey(), settings.bucket())
        .doesNotContain(settings.secretKey());
    assertThat(store.toString()).doesNotContain(settings.secretKey());
    assertThat(settings.region()).isEqualTo("us-east-1");
  }

  private static byte[] bytes(int length) {
    byte[] value = new byte[length];
    new Random(length).nextBytes(value);
    return value;
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
