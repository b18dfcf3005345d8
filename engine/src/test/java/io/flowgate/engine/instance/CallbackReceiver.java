package io.flowgate.engine.instance;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A callback endpoint for tests: records what Flowgate POSTs, answers 204. */
public final class CallbackReceiver implements AutoCloseable {

  /** One call as received: the exact body and the signature header. */
  public record Call(String body, String signature) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  public CallbackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/callback",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          calls.add(
              new Call(
                  new String(body, StandardCharsets.UTF_8),
                  exchange.getRequestHeaders().getFirst("X-Flowgate-Signature")));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
