package io.flowgate.connectors.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS server in the test JVM on {@code 127.0.0.1} with a certificate of its own: self-signed,
 * made for this server with the JDK's {@code keytool}, valid for the IP address {@code 127.0.0.1}.
 * No one trusts it unless told to, so it shows whether a client trusts the certificates it was
 * given. {@code GET /} answers 200 with a fixed text.
 */
public final class SelfSignedHttpsServer implements AutoCloseable {

  private static final String ALIAS = "flowgate-test";

  private final HttpsServer server;
  private final ExecutorService executor;
  private final String certificatePem;
  private final String body;
  private final AtomicInteger requests = new AtomicInteger();

  private SelfSignedHttpsServer(
      HttpsServer server, ExecutorService executor, String certificatePem, String body) {
    this.server = server;
    this.executor = executor;
    this.certificatePem = certificatePem;
    this.body = body;
  }

  /** Makes a key and certificate, then listens on a free port of {@code 127.0.0.1}. */
  public static SelfSignedHttpsServer start(String body) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("flowgate-tls-");
      char[] password = randomPassword();
      Path keystore = dir.resolve("server.p12");
      generateKeyPair(keystore, password);
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keys.getKeyManagers(), null, null);

      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      ExecutorService executor = Executors.newFixedThreadPool(2);
      server.setExecutor(executor);
      SelfSignedHttpsServer https =
          new SelfSignedHttpsServer(server, executor, pem(store.getCertificate(ALIAS)), body);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              https.requests.incrementAndGet();
              byte[] answer = body.getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
              exchange.sendResponseHeaders(200, answer.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
              }
            }
          });
      server.start();
      return https;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the HTTPS test server", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Could not set up TLS for the test server", e);
    } finally {
      if (dir != null) {
        deleteRecursively(dir);
      }
    }
  }

  private static void generateKeyPair(Path keystore, char[] password) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    String pass = new String(password);
    List<String> command =
        List.of(
            keytool.toString(),
            "-genkeypair",
            "-keystore",
            keystore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            pass,
            "-keypass",
            pass,
            "-alias",
            ALIAS,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=127.0.0.1, O=Flowgate test",
            "-ext",
            "SAN=ip:127.0.0.1",
            "-validity",
            "2",
            "-noprompt");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool did not finish in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException("keytool exited with " + process.exitValue() + ": " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("Interrupted while running keytool", e);
    }
  }

  private static String pem(Certificate certificate) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static char[] randomPassword() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes).toCharArray();
  }

  /** The server's certificate as PEM text: what a client must trust to talk to it. */
  public String certificatePem() {
    return certificatePem;
  }

  /** {@code https://127.0.0.1:<port>/} */
  public URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** What every request gets. */
  public String body() {
    return body;
  }

  /** How many requests got through the TLS handshake and were answered. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  // best effort: a leftover temp folder must not fail a test
                }
              });
    } catch (IOException e) {
      // best effort
    }
  }
}
