package io.flowgate.connectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.EditorProbe;
import io.flowgate.connectors.nodered.FlowsState;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedCredentials;
import io.flowgate.connectors.nodered.ProbeResult;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.FreePort;
import io.flowgate.connectors.testing.SelfSignedHttpsServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link InstanceRuntime} does alike, so the engine can treat them alike: each subclass
 * runs these tests against a real runtime with a real Node-RED.
 */
abstract class InstanceRuntimeContract {

  static final String RUN_LABEL = "io.flowgate.test-run";
  static final Duration EDITOR_TIMEOUT = Duration.ofSeconds(60);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  InstanceRuntime runtime;
  EditorProbe probe;

  /** Labels everything a test creates, so cleanup finds what a failed test left. */
  String run;

  private final List<String> names = new ArrayList<>();

  /** The runtime under test; closed after each test. */
  abstract InstanceRuntime newRuntime();

  /** The image a spec names: present on the host for Docker, only recorded by others. */
  abstract String image();

  /** Asserts the runtime kept nothing of a removed instance (beyond what inspect shows). */
  void assertNothingLeftOf(String name) {}

  /** Runs after each test's instances are removed and the runtime is closed. */
  void afterCleanup() {}

  @BeforeEach
  final void openRuntime() {
    runtime = newRuntime();
    probe = new EditorProbe(Duration.ofSeconds(2));
    run = randomHex();
  }

  @AfterEach
  final void removeEverythingThisTestMade() {
    // By label and by name: a test that failed half-way must not leave instances behind.
    try {
      runtime.list(Map.of(RUN_LABEL, run)).forEach(state -> runtime.remove(state.id()));
      names.forEach(runtime::remove);
      names.forEach(runtime::deleteData);
    } finally {
      probe.close();
      runtime.close();
    }
    afterCleanup();
  }

  @Test
  void pingNamesTheRuntimeAndItsVersion() {
    RuntimeInfo info = runtime.ping();

    assertThat(info.kind()).isEqualTo(runtime.kind());
    assertThat(info.version()).matches("\\d+\\.\\d+.*");
    assertThat(info.detail()).isNotBlank();
  }

  @Test
  void anInstanceGoesThroughItsWholeLifecycle() {
    int port = FreePort.find();
    String name = newName();
    ContainerSpec spec =
        spec(name, port).env("TZ", "UTC").label("io.flowgate.instance", "i-" + run).build();

    String id = retriedCreate(spec);
    ContainerState created = runtime.inspect(id).orElseThrow();
    assertThat(created.name()).isEqualTo(name);
    assertThat(created.status()).isEqualTo(Status.CREATED);
    assertThat(created.startedAt()).isNull();
    assertThat(created.exitCode()).isNull();
    assertThat(created.labels())
        .containsEntry(RUN_LABEL, run)
        .containsEntry("io.flowgate.instance", "i-" + run);
    assertThat(runtime.inspect(name)).as("found by name too").isPresent();

    Instant beforeStart = Instant.now().minusSeconds(2);
    runtime.start(id);
    runtime.start(id); // starting a running instance does nothing

    URI editor = editorUrl(port);
    assertThat(awaitEditor(editor).httpStatus()).isEqualTo(200);

    ContainerState running = runtime.inspect(id).orElseThrow();
    assertThat(running.status()).isEqualTo(Status.RUNNING);
    assertThat(running.running()).isTrue();
    assertThat(running.startedAt()).isAfter(beforeStart);
    assertThat(running.exitCode()).isNull();
    assertThat(running.labels()).containsEntry("io.flowgate.instance", "i-" + run);

    String logs =
        Await.until(
            "Node-RED's start line in the instance's log",
            Duration.ofSeconds(10),
            Duration.ofMillis(200),
            () -> runtime.logs(id, 200),
            text -> text.contains("Server now running at"));
    assertThat(logs).contains("Welcome to Node-RED").contains(":" + port + "/");
    assertThat(runtime.logs(id, 1).lines().count()).isEqualTo(1);

    assertThat(runtime.list(Map.of(RUN_LABEL, run)))
        .singleElement()
        .satisfies(
            state -> {
              assertThat(state.id()).isEqualTo(id);
              assertThat(state.status()).isEqualTo(Status.RUNNING);
            });
    assertThat(runtime.list(Map.of(RUN_LABEL, run, "io.flowgate.instance", "other"))).isEmpty();
    assertThat(runtime.create(spec)).as("a create retried while it runs").isEqualTo(id);

    runtime.stop(id, STOP_TIMEOUT);

    ContainerState stopped = runtime.inspect(id).orElseThrow();
    assertThat(stopped.status()).isEqualTo(Status.EXITED);
    assertThat(stopped.exitCode()).isZero(); // Node-RED ends cleanly on SIGTERM
    assertThat(stopped.startedAt()).isEqualTo(running.startedAt());
    assertThat(probe.probe(editor).nodeRed()).isFalse();
    runtime.stop(id, STOP_TIMEOUT); // stopping a stopped instance does nothing

    runtime.start(id);

    awaitEditor(editor);
    ContainerState restarted = runtime.inspect(id).orElseThrow();
    assertThat(restarted.status()).isEqualTo(Status.RUNNING);
    assertThat(restarted.exitCode()).isNull();
    assertThat(restarted.startedAt()).isAfter(running.startedAt());

    runtime.remove(id);

    assertThat(runtime.inspect(id)).isEmpty();
    assertThat(runtime.inspect(name)).isEmpty();
    assertThat(runtime.list(Map.of(RUN_LABEL, run))).isEmpty();
    assertThat(probe.probe(editor).nodeRed()).isFalse();
    assertNothingLeftOf(name);
    runtime.remove(id); // removing what is gone does nothing
  }

  @Test
  void aCrashingInstanceReportsExitedWithItsExitCode() throws Exception {
    // Node-RED exits with 1 when its port is taken: hold the port.
    try (ServerSocket taken = new ServerSocket(0)) {
      String id = runtime.create(spec(newName(), taken.getLocalPort()).build());

      runtime.start(id);

      ContainerState failed =
          Await.until(
              "the instance to exit with an exit code",
              Duration.ofSeconds(30),
              Duration.ofMillis(100),
              () -> runtime.inspect(id).orElseThrow(),
              state -> state.status() == Status.EXITED && state.exitCode() != null);
      assertThat(failed.exitCode()).isEqualTo(1);
      assertThat(failed.running()).isFalse();
      assertThat(failed.startedAt()).isNotNull();
      assertThat(runtime.logs(id, 50)).contains("port in use");
    }
  }

  @Test
  void operationsOnAnUnknownInstanceSaySo() {
    String missing = "flowgate-missing-" + run;

    assertThat(runtime.inspect(missing)).isEmpty();
    assertThatThrownBy(() -> runtime.start(missing))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> runtime.stop(missing, Duration.ofSeconds(1)))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> runtime.logs(missing, 10))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    assertThatThrownBy(() -> runtime.readDataFile(missing, "flows.json"))
        .isInstanceOf(ContainerNotFoundException.class)
        .hasMessageContaining(missing);
    runtime.remove(missing); // does nothing
    assertThat(runtime.list(Map.of(RUN_LABEL, run))).isEmpty();
    assertThat(runtime.hasData(missing)).isFalse();
    runtime.deleteData(missing); // does nothing
    assertThat(runtime.hasData(missing)).isFalse();
  }

  @Test
  void flowsOutliveTheContainerUntilItsDataIsDeleted() throws Exception {
    int port = FreePort.find();
    String name = newName();
    ContainerSpec spec = spec(name, port).build();
    URI editor = editorUrl(port);
    URI endpoint = editor.resolve("flowgate-data-" + run);
    String answer = "deployed in run " + run;
    List<JsonNode> flows = httpEndpointFlow(endpoint.getPath(), answer);
    List<String> flowIds = flows.stream().map(node -> node.path("id").asText()).toList();

    String id = runtime.create(spec);
    assertThat(runtime.hasData(name)).as("created with the container").isTrue();
    runtime.start(id);
    awaitEditor(editor);
    // HTTP/1.1: by default Java's client asks a plain-HTTP server for an upgrade to HTTP/2, and
    // Node-RED hands every request that asks for an upgrade to its websockets, which never answer
    // it.
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        NodeRedAdminClient admin = new NodeRedAdminClient(editor, Duration.ofSeconds(10))) {
      // Node-RED answers a deploy only once it has written flows.json into its userDir.
      admin.setFlows(flows, admin.getFlows().rev(), DeploymentType.FULL);
      assertThat(awaitAnswer(http, endpoint, 200)).isEqualTo(answer);

      assertThatThrownBy(() -> runtime.deleteData(name))
          .as("deleting the data of a container that exists")
          .isInstanceOf(InstanceRuntimeException.class)
          .hasMessageContaining(name)
          .hasMessageContaining("remove it first");
      assertThat(runtime.inspect(id).orElseThrow().status()).isEqualTo(Status.RUNNING);
      assertThat(runtime.hasData(name)).isTrue();

      runtime.remove(id);

      assertThat(runtime.inspect(name)).isEmpty();
      assertThat(runtime.hasData(name)).as("kept by remove").isTrue();
      assertThatThrownBy(() -> runtime.readDataFile(name, "flows.json"))
          .as("data is read through its container")
          .isInstanceOf(ContainerNotFoundException.class);

      String again = runtime.create(spec);
      runtime.start(again);
      awaitEditor(editor);

      assertThat(admin.getFlows().flows())
          .extracting(node -> node.path("id").asText())
          .containsExactlyInAnyOrderElementsOf(flowIds);
      assertThat(awaitAnswer(http, endpoint, 200)).as("the flows run again").isEqualTo(answer);

      runtime.remove(again);
      runtime.deleteData(name);

      assertThat(runtime.hasData(name)).isFalse();
      runtime.deleteData(name); // deleting what is gone does nothing

      String fresh = runtime.create(spec);
      assertThat(runtime.hasData(name)).isTrue();
      runtime.start(fresh);
      awaitEditor(editor);

      FlowsState empty = admin.getFlows();
      assertThat(empty.flows()).as("the flows of a fresh userDir").isEmpty();
      awaitAnswer(http, endpoint, 404);
    }
  }

  @Test
  void dataFilesAreReadWhetherTheInstanceRunsOrNot() throws Exception {
    int port = FreePort.find();
    String name = newName();
    String secret = "contract-secret-" + run;
    String password = "pw-" + randomHex();
    String id = runtime.create(spec(name, port).env("NODE_RED_CREDENTIAL_SECRET", secret).build());

    assertThat(runtime.readDataFile(name, "flows_cred.json")).as("never started").isEmpty();

    runtime.start(id);
    URI editor = editorUrl(port);
    awaitEditor(editor);
    try (NodeRedAdminClient admin = new NodeRedAdminClient(editor, Duration.ofSeconds(10))) {
      // Node-RED answers a deploy once flows.json and flows_cred.json are written.
      admin.setFlows(credentialFlow(password), admin.getFlows().rev(), DeploymentType.FULL);
    }

    byte[] stored = runtime.readDataFile(name, "flows_cred.json").orElseThrow();
    JsonNode encrypted = JSON.readTree(stored);
    assertThat(encrypted.has("$")).as("encrypted: " + encrypted).isTrue();
    assertThat(new String(stored, StandardCharsets.UTF_8)).doesNotContain(password);
    assertThat(NodeRedCredentials.decrypt(encrypted, secret).get("fg-cred-request"))
        .isEqualTo(JSON.createObjectNode().put("user", "flowgate").put("password", password));
    assertThat(runtime.readDataFile(name, "./flows.json"))
        .hasValueSatisfying(
            flows ->
                assertThat(new String(flows, StandardCharsets.UTF_8)).contains("fg-cred-request"));
    assertThat(runtime.readDataFile(name, "no-such-file.json")).isEmpty();
    assertThat(runtime.readDataFile(name, "no-such-folder/flows.json")).isEmpty();
    assertThat(runtime.readDataFile(name, "flows.json/x")).as("below a file").isEmpty();
    assertThatThrownBy(() -> runtime.readDataFile(name, "lib"))
        .as("a folder Node-RED made")
        .isInstanceOf(InstanceRuntimeException.class)
        .hasMessageContaining("not a regular file");
    for (String outside :
        List.of(
            "../" + name + "/flows.json", "lib/../../flows.json", "/etc/passwd", "..", "", "/")) {
      assertThatThrownBy(() -> runtime.readDataFile(name, outside))
          .as(outside)
          .isInstanceOf(IllegalArgumentException.class);
    }

    runtime.stop(id, STOP_TIMEOUT);

    assertThat(runtime.readDataFile(name, "flows_cred.json"))
        .as("read while stopped")
        .hasValueSatisfying(content -> assertThat(content).isEqualTo(stored));
  }

  @Test
  void theInstanceTrustsTheCertificatesOfItsSpecAndNoOthers() throws Exception {
    try (SelfSignedHttpsServer upstream =
        SelfSignedHttpsServer.start("answered over TLS in run " + run)) {
      int port = FreePort.find();
      String name = newName();
      URI editor = editorUrl(port);
      URI endpoint = editor.resolve("flowgate-tls-" + run);
      ContainerSpec trusting =
          spec(name, port).trustedCertificates(upstream.certificatePem()).build();

      String id = retriedCreate(trusting);
      runtime.start(id);
      awaitEditor(editor);
      try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          NodeRedAdminClient admin = new NodeRedAdminClient(editor, Duration.ofSeconds(10))) {
        admin.setFlows(
            httpsRequestFlow(endpoint.getPath(), upstream.url()),
            admin.getFlows().rev(),
            DeploymentType.FULL);

        assertThat(awaitAnswer(http, endpoint, 200)).isEqualTo(upstream.body());
        assertThat(upstream.requests()).isEqualTo(1);

        // The same userDir, so the same flows, but a spec without the certificate.
        runtime.remove(id);
        String untrusting = runtime.create(spec(name, port).build());
        runtime.start(untrusting);
        awaitEditor(editor);

        assertThat(awaitAnswer(http, endpoint, 502)).contains("self-signed certificate");
        assertThat(upstream.requests()).as("no request past the TLS handshake").isEqualTo(1);
      }
    }
  }

  /**
   * A tab whose flow answers GET {@code path} with what GET {@code upstream} answered, or with 502
   * and the error when that request fails.
   */
  static List<JsonNode> httpsRequestFlow(String path, URI upstream) throws IOException {
    String flow =
        """
        [
          {"id": "fg-tls-tab", "type": "tab", "label": "Trusted certificates", "disabled": false},
          {"id": "fg-tls-in", "type": "http in", "z": "fg-tls-tab", "name": "",
           "url": "%s", "method": "get", "upload": false, "x": 120, "y": 80,
           "wires": [["fg-tls-request"]]},
          {"id": "fg-tls-request", "type": "http request", "z": "fg-tls-tab", "name": "",
           "method": "GET", "ret": "txt", "paytoqs": "ignore", "url": "%s", "tls": "",
           "persist": false, "proxy": "", "insecureHTTPParser": false, "authType": "",
           "senderr": true, "headers": [], "x": 320, "y": 80, "wires": [["fg-tls-out"]]},
          {"id": "fg-tls-catch", "type": "catch", "z": "fg-tls-tab", "name": "",
           "scope": ["fg-tls-request"], "uncaught": false, "x": 120, "y": 160,
           "wires": [["fg-tls-failed"]]},
          {"id": "fg-tls-failed", "type": "change", "z": "fg-tls-tab", "name": "",
           "rules": [
             {"t": "set", "p": "statusCode", "pt": "msg", "to": "502", "tot": "num"},
             {"t": "set", "p": "payload", "pt": "msg", "to": "error.message", "tot": "msg"}],
           "x": 320, "y": 160, "wires": [["fg-tls-out"]]},
          {"id": "fg-tls-out", "type": "http response", "z": "fg-tls-tab", "name": "",
           "statusCode": "", "headers": {}, "x": 520, "y": 80, "wires": []}
        ]
        """
            .formatted(path, upstream);
    List<JsonNode> nodes = new ArrayList<>();
    JSON.readTree(flow).forEach(nodes::add);
    return nodes;
  }

  /** A tab with an http request node that has basic-auth credentials. */
  static List<JsonNode> credentialFlow(String password) {
    ObjectNode tab = JSON.createObjectNode();
    tab.put("id", "fg-cred-tab").put("type", "tab").put("label", "Credentials");
    ObjectNode request = JSON.createObjectNode();
    request
        .put("id", "fg-cred-request")
        .put("type", "http request")
        .put("z", "fg-cred-tab")
        .put("method", "GET")
        .put("ret", "txt")
        .put("url", "http://127.0.0.1:1/")
        .put("authType", "basic")
        .put("x", 200)
        .put("y", 80);
    request.putArray("wires");
    request.putObject("credentials").put("user", "flowgate").put("password", password);
    return List.of(tab, request);
  }

  /** A fresh instance name, removed after the test whatever happens. */
  String newName() {
    String name = "flowgate-test-" + randomHex();
    names.add(name);
    return name;
  }

  /** A Node-RED instance on {@code port}, labelled with this test's run. */
  ContainerSpec.Builder spec(String name, int port) {
    return ContainerSpec.builder(name, image())
        .env("PORT", Integer.toString(port))
        .label(RUN_LABEL, run);
  }

  static URI editorUrl(int port) {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  ProbeResult awaitEditor(URI editor) {
    return Await.until(
        "the Node-RED editor at " + editor + " to answer",
        EDITOR_TIMEOUT,
        Duration.ofMillis(250),
        () -> probe.probe(editor),
        ProbeResult::nodeRed);
  }

  /**
   * A tab whose flow answers GET {@code path} with {@code answer}, as the editor would deploy it.
   */
  static List<JsonNode> httpEndpointFlow(String path, String answer) throws IOException {
    String flow =
        """
        [
          {"id": "fg-data-tab", "type": "tab", "label": "Persistent data", "disabled": false},
          {"id": "fg-data-in", "type": "http in", "z": "fg-data-tab", "name": "",
           "url": "%s", "method": "get", "upload": false, "x": 120, "y": 80,
           "wires": [["fg-data-set"]]},
          {"id": "fg-data-set", "type": "change", "z": "fg-data-tab", "name": "",
           "rules": [{"t": "set", "p": "payload", "pt": "msg", "to": "%s", "tot": "str"}],
           "x": 320, "y": 80, "wires": [["fg-data-out"]]},
          {"id": "fg-data-out", "type": "http response", "z": "fg-data-tab", "name": "",
           "statusCode": "", "headers": {}, "x": 520, "y": 80, "wires": []}
        ]
        """
            .formatted(path, answer);
    List<JsonNode> nodes = new ArrayList<>();
    new ObjectMapper().readTree(flow).forEach(nodes::add);
    return nodes;
  }

  /** The body of GET {@code uri} once it answers with {@code status}. */
  static String awaitAnswer(HttpClient http, URI uri, int status) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
    return Await.until(
            "GET " + uri + " to answer " + status,
            Duration.ofSeconds(20),
            Duration.ofMillis(200),
            () -> {
              try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
              } catch (IOException e) {
                return null; // not listening yet
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            },
            response -> response != null && response.statusCode() == status)
        .body();
  }

  static String randomHex() {
    byte[] bytes = new byte[4];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Creates twice, as a retried provisioning step does: one container of the name is left, the
   * first one or, when it was made again, only the second.
   */
  private String retriedCreate(ContainerSpec spec) {
    String first = runtime.create(spec);
    String id = runtime.create(spec);
    assertThat(runtime.inspect(id)).as("the container after a retried create").isPresent();
    if (!id.equals(first)) {
      assertThat(runtime.inspect(first)).as("the first attempt's container").isEmpty();
    }
    return id;
  }
}
