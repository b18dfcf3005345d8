package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.file.FileService;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A Node-RED instance on real Docker uses its files with the http request node: it is given
 * FLOWGATE_FILES_URL and FLOWGATE_FILES_TOKEN, reads what its team uploaded and writes files of its
 * own, across a restart and a suspend (a new container gets the same token again), and deleting the
 * instance deletes its files and revokes its token.
 */
class InstanceFilesDockerTest extends InstanceDockerTestSupport {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void aFlowReadsAFileGivenThroughTheApiAndItSurvivesRestartAndRedeploy() throws Exception {
    Map<String, Object> request = request("files-user");
    try (InputStream flows = getClass().getResourceAsStream("/flows/instance-files.json")) {
      request.put("flows", JSON.readTree(flows));
    }
    String id = create(request);
    int port = awaitSettled(id, "running").path("port").asInt();

    // the team uploads a file through the API
    byte[] content = new byte[300_000];
    new Random(7).nextBytes(content);
    Response uploaded =
        send(
            "PUT",
            "/api/v1/instances/" + id + "/files/some.txt",
            as(owner),
            "application/octet-stream",
            content,
            true);
    assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);

    // the flow fetches it from Flowgate with its own token and answers with its bytes
    assertServes(port, "some.txt", content);

    // and writes a file of its own
    HttpResponse<String> saved =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/save/note.txt"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("written by the flow"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(saved.headers().firstValue("X-Flowgate-Status")).hasValue("201");
    JsonNode listed = expect(get("/api/v1/instances/" + id + "/files", as(owner)), 200).json();
    assertThat(listed.findValuesAsText("path")).containsExactly("from-flow/note.txt", "some.txt");
    assertThat(listed.get(0).path("updatedBy").asText()).startsWith("token:");
    assertThat(
            send(
                    "GET",
                    "/api/v1/instances/" + id + "/files/from-flow/note.txt",
                    as(owner),
                    null,
                    null,
                    true)
                .body())
        .isEqualTo("written by the flow");

    // a restart keeps the files and the token
    act(id, "restart");
    awaitSettled(id, "running");
    assertServes(port, "some.txt", content);

    // an instance without a working token (made before instance files) gets one with its next
    // container: suspend removes the container, start creates it again
    jdbc.sql(
            "update flowgate.token set revoked_at = now(), revoked_by = 'test' where subject_id = ?")
        .param(id)
        .update();
    jdbc.sql("update flowgate.instance set files_token_id = null, files_token = null where id = ?")
        .param(id)
        .update();
    act(id, "suspend");
    awaitSettled(id, "suspended");
    act(id, "start");
    port = awaitSettled(id, "running").path("port").asInt();
    assertServes(port, "some.txt", content);
    assertThat(
            count(
                "select count(*) from flowgate.token where subject_id = '"
                    + id
                    + "' and revoked_at is null"))
        .isEqualTo(1);

    // deleting the instance deletes its files and revokes its token
    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
    assertNothingLeft(id);
    assertThat(objects.stat(FileService.key(id, "some.txt"))).isEmpty();
    assertThat(
            count("select count(*) from flowgate.instance_file where instance_id = '" + id + "'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from flowgate.token where subject_id = '"
                    + id
                    + "' and revoked_at is null"))
        .isZero();
  }

  private static void assertServes(int port, String name, byte[] content) throws Exception {
    HttpResponse<byte[]> served =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/file/" + name))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.headers().firstValue("X-Flowgate-Status"))
        .as(new String(served.body(), StandardCharsets.UTF_8))
        .hasValue("200");
    assertThat(sha256(served.body())).isEqualTo(sha256(content));
    assertThat(served.headers().firstValue("X-Flowgate-ETag"))
        .hasValue("\"" + sha256(content) + "\"");
  }

  private void act(String id, String action) {
    expect(post("/api/v1/instances/" + id + "/actions/" + action, as(owner), null), 202);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
