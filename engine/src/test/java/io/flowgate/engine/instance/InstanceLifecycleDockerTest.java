package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedApiException;
import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.ExampleFlows;
import io.flowgate.engine.callback.CallbackSender;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Instances on real Docker from request to deletion, and what happens when things go wrong. */
class InstanceLifecycleDockerTest extends InstanceDockerTestSupport {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void createUseStopStartRestartAndDeleteLeavesNothingBehind() throws Exception {
    try (CallbackReceiver callbacks = new CallbackReceiver()) {
      Map<String, Object> request = request("filler");
      request.put("flows", ExampleFlows.onTab(ExampleFlows.HTTP_ENDPOINT, "tab.hello", "Hello"));
      request.put(
          "env",
          List.of(
              body("name", "LINE", "value", "filler-3"),
              body("name", "ERP_TOKEN", "value", "erp-secret-123", "secret", true)));
      request.put("callbackUrl", callbacks.url());
      String id = create(request);

      JsonNode running = awaitSettled(id, "running");
      int port = running.path("port").asInt();
      String url = running.path("url").asText();
      assertThat(url).isEqualTo("http://localhost:" + port + "/");
      assertThat(httpGet(port, "/hello").statusCode()).as("initial flows run").isEqualTo(200);
      ContainerState container = container(id).orElseThrow();
      assertThat(container.running()).isTrue();
      assertThat(container.labels()).containsEntry("io.flowgate.instance", id);

      // the team gets the editor's login and changes flows through the Admin API
      JsonNode login =
          expect(get("/api/v1/instances/" + id + "/editor-credentials", as(owner)), 200).json();
      assertThat(login.path("url").asText()).isEqualTo(url);
      try (NodeRedAdminClient admin =
          new NodeRedAdminClient(URI.create(url), Duration.ofSeconds(10))) {
        NodeRedAdminClient editor =
            admin.withToken(
                admin
                    .login(login.path("username").asText(), login.path("password").asText())
                    .orElseThrow());
        assertThatThrownBy(() -> admin.login(login.path("username").asText(), "not-the-password"))
            .isInstanceOf(NodeRedApiException.class);
        List<JsonNode> flows = new ArrayList<>(editor.getFlows().flows());
        flows.addAll(
            ExampleFlows.onTab(ExampleFlows.HTTP_URL_PARAMETERS, "tab.params", "Parameters"));
        editor.setFlows(flows, null, DeploymentType.FULL);
      }
      assertThat(httpGet(port, "/hello-param/flowgate").body()).contains("flowgate");
      // the secret env var reached Node-RED but no log line or variable of ours
      assertThat(expect(get("/api/v1/instances/" + id + "/logs", as(owner)), 200).body())
          .contains("Started flows")
          .doesNotContain("erp-secret-123");

      act(id, "stop");
      awaitSettled(id, "stopped");
      assertThat(container(id).orElseThrow().running()).isFalse();

      act(id, "start");
      awaitSettled(id, "running");
      assertThat(httpGet(port, "/hello-param/again").body())
          .as("flows deployed through the editor survive stop and start")
          .contains("again");

      act(id, "suspend");
      JsonNode suspended = awaitSettled(id, "suspended");
      assertThat(container(id)).as("a suspended instance has no container").isEmpty();
      assertThat(suspended.has("port")).as("nor a port").isFalse();
      act(id, "start");
      port = awaitSettled(id, "running").path("port").asInt();
      assertThat(httpGet(port, "/hello-param/resumed").body())
          .as("flows survive a suspend: the container went, its data stayed")
          .contains("resumed");

      java.time.Instant startedBefore = container(id).orElseThrow().startedAt();
      act(id, "restart");
      awaitSettled(id, "running");
      assertThat(container(id).orElseThrow().startedAt()).isAfter(startedBefore);

      Response deletion = expect(delete("/api/v1/instances/" + id, as(owner)), 202);
      assertThat(deletion.json().path("state").asText()).isEqualTo("deleting");
      awaitGone(id);
      assertNothingLeft(id);
      try (ServerSocket free = new ServerSocket(port)) {
        assertThat(free.getLocalPort()).as("the port is free again").isEqualTo(port);
      }
      assertThat(
              count(
                  "select count(*) from flowgate.audit_log where entity_id = '"
                      + id
                      + "' and action in ('instance.requested', 'instance.running',"
                      + " 'instance.stopped', 'instance.deleted')"))
          .as("the audit log keeps the history")
          .isGreaterThanOrEqualTo(5);

      // the requester heard of each outcome, signed with the team's callback secret
      String secret =
          expect(get("/api/v1/teams/" + team + "/callback-secret", as(owner)), 200)
              .json()
              .path("secret")
              .asText();
      List<CallbackReceiver.Call> calls =
          Await.until(
              "the provisioning callback",
              Duration.ofSeconds(30),
              Duration.ofMillis(200),
              callbacks::calls,
              list -> !list.isEmpty());
      CallbackReceiver.Call first = calls.get(0);
      assertThat(first.body()).contains("\"state\":\"running\"").contains(id);
      assertThat(first.body())
          .as("the delivery id: process and step")
          .contains("/notify-running\"");
      assertThat(first.signature())
          .isEqualTo(
              "sha256="
                  + CallbackSender.sign(secret, first.body().getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aMissingImageEndsFailedWithAReasonAndNothingLeft() {
    Map<String, Object> request = request("no-image");
    request.put("stack", MISSING_IMAGE);
    String id = create(request);
    JsonNode failed = awaitSettled(id, "failed");
    assertThat(failed.path("stateReason").asText())
        .contains(MISSING_IMAGE)
        .contains("not on the docker host");
    assertThat(failed.has("port")).as("the port went back").isFalse();
    assertNothingLeft(id);
    // a failed instance can be deleted
    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
  }

  @Test
  void aPortAnotherProgramHoldsIsSkipped() throws IOException {
    int taken = nextFreePort();
    try (ServerSocket squatter = new ServerSocket(taken)) {
      String id = create(request("port-squatted"));
      JsonNode running = awaitSettled(id, "running");
      assertThat(running.path("port").asInt()).isNotEqualTo(taken).isBetween(19100, 19139);
      assertThat(squatter.isBound()).isTrue();
      expect(delete("/api/v1/instances/" + id, as(owner)), 202);
      awaitGone(id);
    }
  }

  @Test
  void theReconcilerRestartsACrashedInstance() {
    Map<String, Object> request = request("crashy");
    request.put("restartPolicy", "always");
    String id = create(request);
    awaitSettled(id, "running");

    // Node-RED stops behind Flowgate's back
    runtime.stop(InstanceContainers.containerName(id), Duration.ZERO);
    JsonNode restarted =
        Await.until(
            "the reconciler restarts " + id,
            PROVISIONING,
            Duration.ofMillis(200),
            () -> instance(id),
            json ->
                json.path("restarts").asInt() == 1
                    && "running".equals(json.path("state").asText()));
    assertThat(restarted.path("lastFailureReason").asText()).contains("Node-RED stopped");
    assertThat(container(id).orElseThrow().running()).isTrue();

    // and even a container that vanished comes back (created anew)
    runtime.remove(InstanceContainers.containerName(id));
    Await.until(
        "the reconciler re-creates " + id,
        PROVISIONING,
        Duration.ofMillis(200),
        () -> instance(id),
        json ->
            json.path("restarts").asInt() == 2 && "running".equals(json.path("state").asText()));
    assertThat(container(id).orElseThrow().running()).isTrue();
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where entity_id = '"
                    + id
                    + "' and action = 'instance.crashed' and actor = 'reconciler'"))
        .isEqualTo(2);
    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
    assertNothingLeft(id);
  }

  private void act(String id, String action) {
    expect(post("/api/v1/instances/" + id + "/actions/" + action, as(owner), null), 202);
  }

  /** The port the allocator would take next. */
  private int nextFreePort() {
    List<Integer> reserved =
        jdbc.sql("select port from flowgate.instance where port is not null")
            .query(Integer.class)
            .list();
    for (int port = 19100; port <= 19139; port++) {
      if (reserved.contains(port)) {
        continue;
      }
      try (ServerSocket probe = new ServerSocket(port)) {
        return probe.getLocalPort();
      } catch (IOException inUse) {
        // try the next
      }
    }
    throw new AssertionError("no free port in the test range");
  }

  private static HttpResponse<String> httpGet(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
