package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.RequiresNodeRed;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.device.sim.NodeRedRuntime;
import io.flowgate.engine.device.sim.VirtualAgent;
import io.flowgate.engine.instance.InstanceDockerTestSupport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real device: a snapshot of a real instance on Docker (an http endpoint whose flow calls a
 * service with a credential) goes to a device whose agent runs it in a real Node-RED, which
 * decrypts the credential with the device's own secret; the device's endpoint then answers with the
 * service's answer and the group's env, and a change of the group's env reaches it.
 *
 * <p>The agent is the simulator's, running Node-RED from {@code .tools/node-red}: the FlowFuse
 * agent package ({@code @flowfuse/device-agent}) is not served by the npm registry this machine
 * reaches (404), so it cannot be installed here.
 */
@RequiresNodeRed
class DeviceNodeRedDockerTest extends InstanceDockerTestSupport {

  private static final String USER = "line-reader";
  private static final String PASSWORD = "pw-of-the-line-service";
  private static final String ANSWER = "service-ok";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void aSnapshotOfARealInstanceRunsOnADeviceAndAGroupEnvChangeReachesIt() throws Exception {
    HttpServer service = protectedService();
    try {
      String url = "http://127.0.0.1:" + service.getAddress().getPort() + "/line";
      Map<String, Object> request = request("device-source");
      request.put("flows", flows(url));
      request.put("env", List.of(body("name", "LINE", "value", "instance")));
      String instance = create(request);
      JsonNode running = awaitSettled(instance, "running");
      assertThat(call(running.path("port").asInt())).isEqualTo("200 " + ANSWER + " instance");
      String snapshot =
          expect(
                  post(
                      "/api/v1/instances/" + instance + "/snapshots",
                      as(owner),
                      body("name", "device v1")),
                  201)
              .json()
              .path("id")
              .asText();

      JsonNode registered =
          expect(
                  post(
                      "/api/v1/teams/" + team + "/devices",
                      as(owner),
                      body("name", "edge-1", "type", "gateway", "application", application)),
                  201)
              .json();
      String deviceId = registered.path("device").path("id").asText();
      Map<String, Object> group =
          body(
              "name",
              "Edge",
              "deviceIds",
              List.of(deviceId),
              "env",
              List.of(body("name", "LINE", "value", "group-a")));
      String groupId =
          expect(
                  post("/api/v1/applications/" + application + "/device-groups", as(owner), group),
                  201)
              .json()
              .path("id")
              .asText();
      expect(
          put("/api/v1/devices/" + deviceId + "/target", as(owner), body("snapshotId", snapshot)),
          200);

      NodeRedRuntime nodeRed = new NodeRedRuntime();
      DeviceSimulator.Credentials credentials =
          new DeviceSimulator.Credentials(
              deviceId,
              registered.path("credentials").path("token").asText(),
              registered.path("credentials").path("credentialSecret").asText());
      try (DeviceSimulator device =
          new DeviceSimulator(
                  DeviceSimulator.Settings.of(URI.create("http://127.0.0.1:" + port))
                      .interval(Duration.ofSeconds(1), Duration.ofMillis(200)),
                  List.of(credentials),
                  c -> nodeRed)
              .start()) {
        VirtualAgent agent = device.agent(deviceId);
        awaitRunning(agent, snapshot, "group-a");
        assertThat(nodeRed.credentials().path("req").path("password").asText()).isEqualTo(PASSWORD);
        assertThat(call(nodeRed.port())).isEqualTo("200 " + ANSWER + " group-a");

        String before = agent.settingsHash();
        group.put("env", List.of(body("name", "LINE", "value", "group-b")));
        expect(put("/api/v1/device-groups/" + groupId, as(owner), group), 200);
        awaitRunning(agent, snapshot, "group-b");
        assertThat(agent.settingsHash()).isNotEqualTo(before);
        assertThat(call(nodeRed.port())).isEqualTo("200 " + ANSWER + " group-b");
        Await.until(
            "the device's status",
            Duration.ofSeconds(20),
            Duration.ofMillis(200),
            () -> device(deviceId),
            json ->
                "running".equals(json.path("state").asText())
                    && snapshot.equals(json.path("snapshotId").asText())
                    && json.path("settingsHash").asText().equals(agent.settingsHash()));
      }
      expect(delete("/api/v1/instances/" + instance, as(owner)), 202);
      awaitGone(instance);
    } finally {
      service.stop(0);
    }
  }

  private JsonNode device(String id) {
    return expect(get("/api/v1/devices/" + id, as(owner)), 200).json();
  }

  private static void awaitRunning(VirtualAgent agent, String snapshot, String line) {
    Await.until(
        "the device running " + snapshot + " with LINE=" + line,
        Duration.ofSeconds(90),
        Duration.ofMillis(200),
        () -> agent,
        a -> {
          if (a.fatal() != null) {
            throw new AssertionError("the agent stopped: " + a.fatal());
          }
          return snapshot.equals(a.snapshot())
              && "running".equals(a.reportedState())
              && a.lastSettings() != null
              && line.equals(a.lastSettings().path("env").path("LINE").asText());
        });
  }

  private static String call(int port) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/device-call"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  /** Answers {@value #ANSWER} to basic auth with the right user and password, 401 otherwise. */
  private static HttpServer protectedService() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/line",
        exchange -> {
          boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = (ok ? ANSWER : "who are you?").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  /**
   * http in GET /device-call → http request with basic-auth credentials → function adding env LINE
   * → http response.
   */
  private static List<Object> flows(String url) {
    return List.of(
        Map.of("id", "tab.device", "type", "tab", "label", "Device"),
        Map.of(
            "id",
            "in",
            "type",
            "http in",
            "z",
            "tab.device",
            "url",
            "/device-call",
            "method",
            "get",
            "x",
            100,
            "y",
            100,
            "wires",
            List.of(List.of("req"))),
        Map.ofEntries(
            Map.entry("id", "req"),
            Map.entry("type", "http request"),
            Map.entry("z", "tab.device"),
            Map.entry("method", "GET"),
            Map.entry("ret", "txt"),
            Map.entry("url", url),
            Map.entry("authType", "basic"),
            Map.entry("x", 300),
            Map.entry("y", 100),
            Map.entry("wires", List.of(List.of("fn"))),
            Map.entry("credentials", Map.of("user", USER, "password", PASSWORD))),
        Map.of(
            "id",
            "fn",
            "type",
            "function",
            "z",
            "tab.device",
            "func",
            "msg.payload = msg.payload + ' ' + env.get('LINE'); return msg;",
            "outputs",
            1,
            "x",
            500,
            "y",
            100,
            "wires",
            List.of(List.of("res"))),
        Map.of(
            "id",
            "res",
            "type",
            "http response",
            "z",
            "tab.device",
            "x",
            700,
            "y",
            100,
            "wires",
            List.of()));
  }
}
