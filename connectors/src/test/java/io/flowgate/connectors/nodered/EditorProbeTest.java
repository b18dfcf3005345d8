package io.flowgate.connectors.nodered;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EditorProbeTest {

  /** A page that looks like Node-RED to a naive check: same title, mentions the editor. */
  private static final String DECOY =
      """
      <!DOCTYPE html>
      <html><head><title>Node-RED</title>
      <link rel="stylesheet" href="red/style.min.css"></head>
      <body><h1>Node-RED is being upgraded</h1>
      <p>The editor (red/red.min.js) will be back soon.</p>
      <script src="vendor/vendor.js"></script></body></html>
      """;

  private EditorProbe probe;
  private HttpServer server;

  @BeforeEach
  void setUp() {
    probe = new EditorProbe(Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.stop(0);
    }
    probe.close();
  }

  @Test
  @RequiresNodeRed
  void recognisesARealNodeRedEditor() {
    try (NodeRedProcess nodeRed = NodeRedProcess.start()) {
      ProbeResult result = probe.probe(nodeRed.baseUrl());

      assertThat(result.nodeRed()).as(result.detail()).isTrue();
      assertThat(result.httpStatus()).isEqualTo(200);
      assertThat(result.detail()).contains("Node-RED");
    }
  }

  @Test
  void anotherPageThatAnswers200IsNotNodeRed() throws IOException {
    URI url = serve(200, DECOY);

    ProbeResult result = probe.probe(url);

    assertThat(result.nodeRed()).isFalse();
    assertThat(result.httpStatus()).isEqualTo(200);
    assertThat(result.detail()).contains("#red-ui-editor");
  }

  @Test
  void anErrorPageIsNotNodeRed() throws IOException {
    URI url = serve(404, "<html><title>Not found</title></html>");

    ProbeResult result = probe.probe(url);

    assertThat(result.nodeRed()).isFalse();
    assertThat(result.httpStatus()).isEqualTo(404);
  }

  @Test
  void aClosedPortIsNotNodeRedAndNotAnException() {
    ProbeResult result = probe.probe(URI.create("http://127.0.0.1:" + FreePort.find() + "/"));

    assertThat(result.nodeRed()).isFalse();
    assertThat(result.httpStatus()).isZero();
    assertThat(result.detail()).contains("no answer");
  }

  private URI serve(int status, String html) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = html.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }
}
