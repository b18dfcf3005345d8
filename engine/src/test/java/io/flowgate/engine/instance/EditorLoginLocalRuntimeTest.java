package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.AdminToken;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.nodered.NodeRedApiException;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Personal editor logins against a real Node-RED (a local process: the same settings.js as the
 * image): Node-RED asks Flowgate at login and on each request, so protection, expiry and foreign
 * logins take effect in the editor's Admin API at once.
 */
@RequiresNodeRed
class EditorLoginLocalRuntimeTest extends InstanceTestSupport {

  /** Node-RED keeps Flowgate's answers for up to 2 s; "at once" allows that and a little. */
  private static final Duration AT_ONCE = Duration.ofSeconds(4);

  @DynamicPropertySource
  static void localProcesses(DynamicPropertyRegistry registry) {
    registry.add("flowgate.runtime.kind", () -> "local");
    registry.add(
        "flowgate.runtime.node-red-home", () -> System.getProperty(NodeRedProcess.HOME_PROPERTY));
    registry.add("flowgate.instances.ports", () -> "19170-19179");
  }

  @Test
  void personalLoginsWriteUntilTheStageIsProtectedThenReadOnlyAndEveryLoginIsAudited()
      throws Exception {
    String id = create(request("editor-logins"));
    String url = awaitSettled(id, "running").path("url").asText();
    String member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);

    // a member's own login writes flows
    JsonNode login = expect(get(credentials(id), as(member)), 200).json();
    assertThat(login.path("permissions").asText()).isEqualTo("*");
    String writeToken;
    try (NodeRedAdminClient client = client(url)) {
      AdminToken token =
          client
              .login(login.path("username").asText(), login.path("password").asText())
              .orElseThrow();
      writeToken = token.accessToken();
      NodeRedAdminClient editor = client.withToken(token);
      List<JsonNode> flows = new ArrayList<>(editor.getFlows().flows());
      flows.add(JSON.createObjectNode().put("id", "tab.member").put("type", "tab"));
      editor.setFlows(flows, null, DeploymentType.FULL);
    }

    // Flowgate's own login still captures and deploys
    String snapshot =
        expect(post("/api/v1/instances/" + id + "/snapshots", as(owner), body("name", "v1")), 201)
            .json()
            .path("id")
            .asText();
    expect(
        post(
            "/api/v1/instances/" + id + "/actions/deploy", as(owner), body("snapshotId", snapshot)),
        202);
    awaitSettled(id, "running");
    assertThat(flows(url, writeToken).statusCode()).isEqualTo(200);

    // its stage becomes protected: the same Node-RED session is refused at once
    protect(id);
    long protectedAt = System.nanoTime();
    Await.until(
        "the write session refused",
        AT_ONCE,
        Duration.ofMillis(100),
        () -> flows(url, writeToken).statusCode(),
        status -> status == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - protectedAt)).isLessThan(AT_ONCE);
    try (NodeRedAdminClient client = client(url)) {
      assertThatThrownBy(
              () -> client.login(login.path("username").asText(), login.path("password").asText()))
          .isInstanceOf(NodeRedApiException.class);
    }

    // a new login reads only
    JsonNode readOnly = expect(get(credentials(id), as(member)), 200).json();
    assertThat(readOnly.path("permissions").asText()).isEqualTo("read");
    String readToken;
    try (NodeRedAdminClient client = client(url)) {
      readToken =
          client
              .login(readOnly.path("username").asText(), readOnly.path("password").asText(), "read")
              .orElseThrow()
              .accessToken();
    }
    assertThat(flows(url, readToken).statusCode()).isEqualTo(200);
    // Node-RED answers a missing permission with 401 (not 403); the session itself still holds
    HttpResponse<String> write = postFlows(url, readToken);
    assertThat(write.statusCode()).as(write.body()).isEqualTo(401);
    assertThat(flows(url, readToken).statusCode()).isEqualTo(200);

    // Flowgate's own login still works on the protected instance (a snapshot reads its flows)
    expect(post("/api/v1/instances/" + id + "/snapshots", as(owner), body("name", "v2")), 201);

    // an expired login: its session ends, the password no longer logs in
    jdbc.sql(
            "update flowgate.editor_login set expires_at = now() where instance_id = ?"
                + " and username = ?")
        .params(id, member)
        .update();
    Await.until(
        "the expired session refused",
        AT_ONCE,
        Duration.ofMillis(100),
        () -> flows(url, readToken).statusCode(),
        status -> status == 401);
    try (NodeRedAdminClient client = client(url)) {
      assertThatThrownBy(
              () ->
                  client.login(
                      readOnly.path("username").asText(),
                      readOnly.path("password").asText(),
                      "read"))
          .isInstanceOf(NodeRedApiException.class);
      // a login of someone outside the team, and a made-up one, fail too
      String stranger = createUser(organization, unique("stranger"), "member");
      assertThat(get(credentials(id), as(stranger)).status()).isEqualTo(404);
      assertThatThrownBy(() -> client.login(stranger, login.path("password").asText()))
          .isInstanceOf(NodeRedApiException.class);
    }

    // every login, let in or refused, is in the audit log with the person and the access
    assertThat(audit(id, "instance.editor-login"))
        .containsExactly(member + " write", member + " read");
    assertThat(audit(id, "instance.editor-login-refused"))
        .hasSize(3)
        .contains(member + " write", member + " read");
    assertThat(audit(id, "instance.editor-login-issued")).hasSize(2);
  }

  private List<String> audit(String id, String action) {
    return jdbc.sql(
            "select actor || ' ' || coalesce(details::jsonb ->> 'access', '-')"
                + " from flowgate.audit_log where action = ? and entity_id = ? order by seq")
        .params(action, id)
        .query(String.class)
        .list();
  }

  private void protect(String id) {
    expect(
        post(
            "/api/v1/applications/" + application + "/pipelines",
            as(owner),
            body(
                "name",
                "Filling",
                "stages",
                List.of(
                    body(
                        "name",
                        "prod",
                        "instances",
                        List.of(id),
                        "action",
                        "use_latest",
                        "protected",
                        true)))),
        201);
  }

  private static NodeRedAdminClient client(String url) {
    return new NodeRedAdminClient(URI.create(url), Duration.ofSeconds(10));
  }

  private static HttpResponse<String> flows(String url, String token) {
    return send(HttpRequest.newBuilder(URI.create(url + "flows")).GET(), token);
  }

  private static HttpResponse<String> postFlows(String url, String token) {
    return send(
        HttpRequest.newBuilder(URI.create(url + "flows"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("[]")),
        token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String token) {
    // HTTP/1.1: Node-RED drops a plain-HTTP upgrade to h2c that is not its editor's WebSocket
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      return http.send(
          request
              .header("Authorization", "Bearer " + token)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String credentials(String id) {
    return "/api/v1/instances/" + id + "/editor-credentials";
  }
}
