package io.flowgate.connectors.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.connectors.testing.S3ProxyServer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 200 MB object of unknown size goes up and comes back without the payload ever living on the
 * heap: in the middle of each transfer (150 MB in) the test collects garbage and measures the live
 * heap, which must have grown by far less than what has passed through.
 */
class ObjectStoreStreamingTest {

  private static final long SIZE = 200L * 1024 * 1024;
  private static final long MEASURE_AT = 150L * 1024 * 1024;
  // One upload part (16 MB) plus its copy while it is hashed and sent, plus slack.
  private static final long MAX_LIVE_GROWTH = 64L * 1024 * 1024;

  private S3ProxyServer s3;
  private ObjectStore store;

  @BeforeEach
  void start() {
    s3 = S3ProxyServer.start();
    store = new ObjectStore(s3.settings("streaming"));
    store.ensureBucket();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void twoHundredMegabytesStreamUpAndDownWithoutFillingTheHeap() throws Exception {
    long baseline = liveHeap();
    AtomicLong liveDuringUpload = new AtomicLong(-1);
    GeneratedStream source =
        new GeneratedStream(SIZE, MEASURE_AT, offset -> liveDuringUpload.set(liveHeap()));

    store.put("exports/big.bin", source, -1, "application/octet-stream");

    assertThat(source.produced()).isEqualTo(SIZE);
    String uploadedHash = source.sha256Hex();
    assertThat(store.stat("exports/big.bin").orElseThrow().size()).isEqualTo(SIZE);

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    long read = 0;
    long liveDuringDownload = -1;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = new DigestInputStream(store.get("exports/big.bin"), digest)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        read += n;
        if (liveDuringDownload < 0 && read >= MEASURE_AT) {
          liveDuringDownload = liveHeap();
        }
      }
    }

    assertThat(read).isEqualTo(SIZE);
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(uploadedHash);
    assertThat(liveDuringUpload.get() - baseline)
        .as("live heap growth 150 MB into the upload (baseline %d MB)", baseline >> 20)
        .isLessThan(MAX_LIVE_GROWTH);
    assertThat(liveDuringDownload - baseline)
        .as("live heap growth 150 MB into the download (baseline %d MB)", baseline >> 20)
        .isLessThan(MAX_LIVE_GROWTH);
  }

  /** Heap still in use after a full collection: what is really held, not garbage. */
  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
