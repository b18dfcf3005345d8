package io.flowgate.engine.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server (s3proxy on the file system, as the embedded default is) behind a TCP relay that
 * the suite can break: refuse every connection for a while, or cut the next upload of a snapshot
 * halfway through its body and then refuse, as a storage node that dies mid-request would.
 */
final class ObjectStoreOutage implements AutoCloseable {

  static final String ACCESS_KEY = "fault-suite";
  static final String SECRET_KEY = "fault-suite-secret-key-0123456789";

  private enum Mode {
    PASS,
    CUT_NEXT_SNAPSHOT_UPLOAD,
    DOWN
  }

  private final Path objects;
  private final S3Proxy server;
  private final ServerSocket relay;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile Mode mode = Mode.PASS;

  ObjectStoreOutage(Path objects) throws Exception {
    this.objects = objects;
    Files.createDirectories(objects);
    server =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(objects.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    server.start();
    while (!"STARTED".equals(server.getState())) {
      Thread.sleep(10);
    }
    relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("s3-relay").start(this::accept);
  }

  /** The endpoint engines are given: the relay, not the server. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + relay.getLocalPort());
  }

  /** Every connection is refused (closed at once) until {@link #restore()}; open ones are cut. */
  void down() {
    mode = Mode.DOWN;
    closeAll();
  }

  /** The next upload to {@code snapshots/} is cut after half its bytes; then the store is down. */
  void cutNextSnapshotUpload() {
    mode = Mode.CUT_NEXT_SNAPSHOT_UPLOAD;
  }

  void restore() {
    mode = Mode.PASS;
  }

  int cuts() {
    return cuts.get();
  }

  /** Object keys under the bucket, relative to it ("snapshots/abc.json"). */
  List<String> keys(String bucket) throws IOException {
    Path root = objects.resolve(bucket);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> root.relativize(file).toString())
          .filter(key -> !key.startsWith("."))
          .sorted()
          .toList();
    }
  }

  private void accept() {
    while (!relay.isClosed()) {
      try {
        Socket client = relay.accept();
        if (mode == Mode.DOWN) {
          client.close();
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort()));
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream, true));
        Thread.ofVirtual().start(() -> pump(upstream, client, false));
      } catch (IOException e) {
        if (relay.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean towardsServer) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        int forward = read;
        boolean cut = false;
        if (towardsServer && mode == Mode.CUT_NEXT_SNAPSHOT_UPLOAD) {
          String head = new String(buffer, 0, Math.min(read, 512), StandardCharsets.ISO_8859_1);
          if (head.startsWith("PUT ") && head.contains("/snapshots/")) {
            int headersEnd = indexOf(buffer, read, "\r\n\r\n") + 4;
            forward = headersEnd + Math.max(1, (read - headersEnd) / 2);
            forward = Math.min(forward, read);
            cut = true;
          }
        }
        if (mode == Mode.DOWN && !cut) {
          break;
        }
        out.write(buffer, 0, forward);
        out.flush();
        if (cut) {
          mode = Mode.DOWN;
          cuts.incrementAndGet();
          closeAll();
          return;
        }
      }
    } catch (IOException e) {
      // the other side closed: close both
    } finally {
      close(from);
      close(to);
    }
  }

  private static int indexOf(byte[] buffer, int length, String text) {
    byte[] wanted = text.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + wanted.length <= length; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (buffer[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -4; // headers not complete in this read: forward half of what came
  }

  private void closeAll() {
    for (Socket socket : open) {
      close(socket);
    }
  }

  private void close(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    relay.close();
    closeAll();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("the S3 server did not stop", e);
    }
  }
}
