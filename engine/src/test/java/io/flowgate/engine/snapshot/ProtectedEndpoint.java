package io.flowgate.engine.snapshot;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A small HTTP endpoint behind basic auth, for flows whose http request node carries the
 * credentials: it answers 200 "protected-ok" to the right user and password, 401 to anything else.
 */
final class ProtectedEndpoint implements AutoCloseable {

  static final String USER = "plant-reader";
  static final String PASSWORD = "s3cret-pw-for-the-plant";
  static final String ANSWER = "protected-ok";

  private final HttpServer server;

  ProtectedEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/protected",
        exchange -> {
          boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = (ok ? ANSWER : "who are you?").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/protected";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
