package io.flowgate.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Errors outside any feature: authentication, unknown paths, oversized bodies. */
class WebErrorHandlingTest extends ApiTestSupport {

  @Test
  void anonymousCallersGetAProblemSayingHowToSignIn() {
    Response response = get("/api/v1/organizations", Auth.NONE);
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().path("title").asText()).isEqualTo("Unauthorized");
    assertThat(response.json().path("detail").asText()).contains("HTTP Basic");
  }

  @Test
  void unknownUsersAreUnauthorized() {
    Response response = get("/api/v1/organizations", Auth.basic("nobody", "whatever-password"));
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().path("detail").asText()).contains("user name or password");
  }

  @Test
  void unknownEndpointsAreNotFoundProblems() {
    Response response = get("/api/v1/no-such-thing", admin());
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().path("detail").asText()).contains("no endpoint");
  }

  @Test
  void oversizedBodiesAreRefusedWithAndWithoutContentLength() {
    byte[] large =
        ("{\"name\":\"" + "x".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    for (boolean contentLength : new boolean[] {true, false}) {
      Response response =
          send("POST", "/api/v1/organizations", admin(), "application/json", large, contentLength);
      assertThat(response.status()).as("Content-Length sent: %s", contentLength).isEqualTo(413);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(response.json().path("detail").asText()).contains("256 KB");
    }
  }

  @Test
  void nodeRedDocumentsHaveALargerLimitOfTheirOwn() {
    // flows of a new instance and snapshots to import are whole Node-RED documents
    byte[] flows =
        ("{\"team\":\"nope\",\"flows\":[{\"id\":\"" + "x".repeat(300 * 1024) + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    Response accepted = send("POST", "/api/v1/instances", admin(), "application/json", flows, true);
    assertThat(accepted.status()).as("read and judged, not refused for its size").isNotEqualTo(413);
    assertThat(accepted.status()).isBetween(400, 499);

    byte[] huge = new byte[17 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    Response refused = send("POST", "/api/v1/instances", admin(), "application/json", huge, true);
    assertThat(refused.status()).isEqualTo(413);
    assertThat(refused.json().path("detail").asText()).contains("16384 KB");
  }

  @Test
  void theOpenApiDocumentDescribesTheApiWithoutTheCallerParameter() {
    Response response = get("/v3/api-docs", Auth.NONE);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("paths").has("/api/v1/teams/{teamId}/tokens")).isTrue();
    assertThat(response.body()).doesNotContain("\"caller\"");
  }
}
