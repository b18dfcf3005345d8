package io.flowgate.connectors.testing;

import io.flowgate.connectors.storage.ObjectStoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server (s3proxy) in this JVM on 127.0.0.1 and a random port, storing objects on disk (a
 * filesystem store, as Flowgate's embedded mode does, so large objects do not fill the heap).
 * Credentials are random per server.
 */
public final class S3ProxyServer implements AutoCloseable {

  private final S3Proxy proxy;
  private final Path directory;
  private final boolean deleteOnClose;
  private final String accessKey;
  private final String secretKey;

  private S3ProxyServer(Path directory, boolean deleteOnClose) {
    this.directory = directory;
    this.deleteOnClose = deleteOnClose;
    this.accessKey = "flowgate-" + random(4);
    this.secretKey = random(20);
    this.proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(directory.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
  }

  /** Starts a server on a fresh temporary folder, deleted again by {@link #close()}. */
  public static S3ProxyServer start() {
    try {
      return start(Files.createTempDirectory("flowgate-s3-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a server on the given folder, which {@link #close()} leaves in place. */
  public static S3ProxyServer start(Path directory) {
    return start(directory, false);
  }

  private static S3ProxyServer start(Path directory, boolean deleteOnClose) {
    S3ProxyServer server = new S3ProxyServer(directory, deleteOnClose);
    try {
      server.proxy.start();
      // s3proxy's own docs wait for STARTED after start(); so do we.
      Await.until(
          "s3proxy to listen",
          Duration.ofSeconds(20),
          Duration.ofMillis(20),
          () -> server.proxy.getState(),
          "STARTED"::equals);
      return server;
    } catch (Exception e) {
      server.close();
      throw new IllegalStateException("s3proxy did not start", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  public Path directory() {
    return directory;
  }

  /** Settings for an {@code ObjectStore} on this server; the bucket is created by ensureBucket. */
  public ObjectStoreSettings settings(String bucket) {
    return new ObjectStoreSettings(endpoint(), accessKey, secretKey, bucket, null);
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      // stopping a server that never started fails; nothing to release then
    }
    if (deleteOnClose) {
      try (Stream<Path> paths = Files.walk(directory)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        // best effort: a leftover temp folder must not fail a test
      }
    }
  }

  private static String random(int bytes) {
    byte[] value = new byte[bytes];
    new SecureRandom().nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  @Override
  public String toString() {
    return "S3ProxyServer[" + endpoint() + ", " + directory + "]";
  }
}
