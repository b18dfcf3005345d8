package io.flowgate.connectors.nodered;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeRedCredentials} against Node-RED's own code: a real Node-RED uses credentials that we
 * encrypted, and we decrypt the credentials file it writes.
 */
@RequiresNodeRed
class NodeRedCredentialsCompatibilityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUEST_ID = "fg-cred-request";
  private static final String DEPLOYED_ID = "fg-cred-deployed";

  /**
   * GET /fg-call runs an http request node with basic-auth credentials against GET /fg-echo-auth of
   * the same Node-RED, which answers with the Authorization header it got: the answer shows what
   * Node-RED decrypted.
   */
  private static final String FLOWS =
      """
      [
        {"id": "fg-cred-tab", "type": "tab", "label": "Credentials", "disabled": false},
        {"id": "fg-echo-in", "type": "http in", "z": "fg-cred-tab", "url": "/fg-echo-auth",
         "method": "get", "upload": false, "x": 120, "y": 60, "wires": [["fg-echo-set"]]},
        {"id": "fg-echo-set", "type": "change", "z": "fg-cred-tab", "x": 320, "y": 60,
         "rules": [{"t": "set", "p": "payload", "pt": "msg", "to": "req.headers.authorization",
                    "tot": "msg"}],
         "wires": [["fg-echo-out"]]},
        {"id": "fg-echo-out", "type": "http response", "z": "fg-cred-tab", "statusCode": "",
         "headers": {}, "x": 520, "y": 60, "wires": []},
        {"id": "fg-call-in", "type": "http in", "z": "fg-cred-tab", "url": "/fg-call",
         "method": "get", "upload": false, "x": 120, "y": 140, "wires": [["fg-call-url"]]},
        {"id": "fg-call-url", "type": "change", "z": "fg-cred-tab", "x": 320, "y": 140,
         "rules": [{"t": "set", "p": "url", "pt": "msg",
                    "to": "\\"http://\\" & req.headers.host & \\"/fg-echo-auth\\"",
                    "tot": "jsonata"}],
         "wires": [["%s"]]},
        {"id": "%s", "type": "http request", "z": "fg-cred-tab", "method": "GET",
         "ret": "txt", "paytoqs": "ignore", "url": "", "authType": "basic", "x": 520, "y": 140,
         "wires": [["fg-call-clean"]]},
        {"id": "fg-call-clean", "type": "change", "z": "fg-cred-tab", "x": 720, "y": 140,
         "rules": [{"t": "delete", "p": "headers", "pt": "msg"}], "wires": [["fg-call-out"]]},
        {"id": "fg-call-out", "type": "http response", "z": "fg-cred-tab", "statusCode": "",
         "headers": {}, "x": 900, "y": 140, "wires": []}
      ]
      """
          .formatted(REQUEST_ID, REQUEST_ID);

  @Test
  void nodeRedReadsOurCredentialsAndWeReadItsOwn() throws Exception {
    String secret = "flowgate-compat-" + randomHex();
    String password = "pw-" + randomHex();
    ObjectNode ours = JSON.createObjectNode();
    ours.putObject(REQUEST_ID).put("user", "alice").put("password", password);
    ObjectNode ourFile = NodeRedCredentials.encryptDeterministic(ours, secret);
    String settings = NodeRedProcess.OPEN_SETTINGS.replace("flowgate-test-only", secret);

    try (NodeRedProcess nodeRed =
            NodeRedProcess.start(
                settings,
                Map.of(
                    "flows.json", FLOWS.getBytes(StandardCharsets.UTF_8),
                    "flows_cred.json", JSON.writeValueAsBytes(ourFile)));
        NodeRedAdminClient admin =
            new NodeRedAdminClient(nodeRed.baseUrl(), Duration.ofSeconds(10));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      // (a) Node-RED decrypted our file: its http request node sends our user and password.
      String authorization = awaitOk(http, nodeRed.baseUrl().resolve("fg-call"));
      assertThat(authorization)
          .isEqualTo(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8)));
      assertThat(nodeRed.log()).doesNotContain("Failed to decrypt credentials");

      // (b) A node with credentials deployed through the Admin API: Node-RED re-encrypts the
      // file, and we decrypt what it wrote.
      FlowsState current = admin.getFlows();
      List<JsonNode> flows = new ArrayList<>(current.flows());
      ObjectNode deployed = JSON.createObjectNode();
      deployed
          .put("id", DEPLOYED_ID)
          .put("type", "http request")
          .put("z", "fg-cred-tab")
          .put("method", "GET")
          .put("ret", "txt")
          .put("url", "http://127.0.0.1:1/")
          .put("authType", "basic")
          .put("x", 520)
          .put("y", 220);
      deployed.putArray("wires");
      deployed.putObject("credentials").put("user", "bøb").put("password", "pässwörd € 🙂");
      flows.add(deployed);
      admin.setFlows(flows, current.rev(), DeploymentType.FULL);

      JsonNode written =
          JSON.readTree(Files.readAllBytes(nodeRed.userDir().resolve("flows_cred.json")));
      assertThat(written.properties())
          .singleElement()
          .satisfies(field -> assertThat(field.getKey()).isEqualTo("$"));
      assertThat(written).as("re-encrypted by Node-RED").isNotEqualTo(ourFile);

      ObjectNode decrypted = NodeRedCredentials.decrypt(written, secret);

      assertThat(decrypted.get(REQUEST_ID))
          .isEqualTo(JSON.createObjectNode().put("user", "alice").put("password", password));
      assertThat(decrypted.get(DEPLOYED_ID))
          .isEqualTo(JSON.createObjectNode().put("user", "bøb").put("password", "pässwörd € 🙂"));
      assertThat(NodeRedCredentials.encryptDeterministic(decrypted, secret))
          .as("the same content encrypts to the same value, whoever wrote the file")
          .isEqualTo(
              NodeRedCredentials.encryptDeterministic(
                  NodeRedCredentials.decrypt(
                      NodeRedCredentials.encrypt(decrypted, "another-secret"), "another-secret"),
                  secret));
    }
  }

  private static String awaitOk(HttpClient http, URI uri) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
    return Await.until(
            "GET " + uri + " to answer 200",
            Duration.ofSeconds(20),
            Duration.ofMillis(200),
            () -> {
              try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
              } catch (IOException e) {
                return null;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            },
            response -> response != null && response.statusCode() == 200)
        .body();
  }

  private static String randomHex() {
    byte[] bytes = new byte[6];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
