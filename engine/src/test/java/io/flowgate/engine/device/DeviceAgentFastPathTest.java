package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Agent calls answered before the web stack ({@link DeviceAgentFastPath}) answer as the controller
 * would, and whatever the fast path does not take reaches the controller with its body intact.
 */
class DeviceAgentFastPathTest extends DeviceTestSupport {

  @Autowired MeterRegistry meters;

  private double answered(String answer) {
    return meters.counter("flowgate.device.heartbeats", "answer", answer).count();
  }

  @Test
  void anOrdinaryHeartbeatIsAnsweredAndCountedByTheFastPath() {
    JsonNode device = register("fast");
    double before = answered("in-order");

    Response response = heartbeat(id(device), token(device), state(null, null, "stopped"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{}");
    assertThat(response.header("Content-Type")).startsWith("application/json");
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(answered("in-order")).isEqualTo(before + 1);
    // the report is recorded as through the controller
    assertThat(
            expect(get("/api/v1/devices/" + id(device), as(owner)), 200)
                .json()
                .path("state")
                .asText())
        .isEqualTo("stopped");
  }

  @Test
  void aDeviceToChangeGetsItsTargetsFromTheFastPath() {
    JsonNode device = register("behind");
    double before = answered("change");

    Response response =
        heartbeat(id(device), token(device), state("some-old-snapshot", null, "running"));

    assertThat(response.status()).isEqualTo(409);
    JsonNode conflict = response.json();
    assertThat(conflict.path("error").asText()).isEqualTo("incorrect-snapshot");
    assertThat(conflict.path("application").asText()).isEqualTo(application);
    assertThat(conflict.path("ownerType").asText()).isEqualTo("application");
    assertThat(conflict.has("snapshot")).isTrue();
    assertThat(conflict.path("settings").asText()).matches("[0-9a-f]{64}");
    assertThat(answered("change")).isEqualTo(before + 1);
  }

  @Test
  void aWrongTokenOrUnknownDeviceIsRefusedAsProblemJson() {
    JsonNode device = register("guarded");
    Response wrongToken = heartbeat(id(device), "fgd_" + "B".repeat(43), Map.of());
    assertThat(wrongToken.status()).isEqualTo(401);
    assertThat(wrongToken.header("Content-Type")).startsWith("application/problem+json");
    assertThat(wrongToken.json().path("detail").asText()).contains("device token");

    Response unknown =
        heartbeat("0f0e0d0c-0b0a-4909-8807-060504030201", token(device), Map.of("state", "x"));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void snapshotAndSettingsComeFromTheFastPathAndFollowAChangeOfSettings() {
    JsonNode device = register("fetching");
    Auth auth = Auth.bearer(token(device));
    Response settings = get("/api/v1/devices/" + id(device) + "/live/settings", auth);
    assertThat(settings.status()).isEqualTo(200);
    assertThat(settings.header("Cache-Control")).isEqualTo("no-store");
    String hash = settings.json().path("hash").asText();
    assertThat(hash).isEqualTo(device.path("device").path("settingsHash").asText());
    Response snapshot = get("/api/v1/devices/" + id(device) + "/live/snapshot", auth);
    assertThat(snapshot.status()).isEqualTo(200);
    assertThat(snapshot.header("Cache-Control")).isEqualTo("no-store");
    assertThat(snapshot.body()).isEqualTo("{}");

    // settings kept for the device are read again once their hash changes
    expect(put("/api/v1/devices/" + id(device) + "/settings", as(owner), env("LINE", "9")), 200);
    JsonNode changed = liveSettings(id(device), token(device));
    assertThat(changed.path("env").path("LINE").asText()).isEqualTo("9");
    assertThat(changed.path("hash").asText()).isNotEqualTo(hash);

    Response foreign = get("/api/v1/devices/" + id(register("other")) + "/live/snapshot", auth);
    assertThat(foreign.status()).isEqualTo(401);
    assertThat(foreign.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void whatTheFastPathDoesNotTakeReachesTheControllerWithItsBody() {
    JsonNode device = register("odd");
    String path = "/api/v1/devices/" + id(device) + "/live/state";
    Auth auth = Auth.bearer(token(device));
    double before = answered("in-order") + answered("change");

    // no JSON: read by the fast path, handed on, answered 400 by the controller's handler
    Response malformed =
        send(
            "POST",
            path,
            auth,
            "application/json",
            "{\"state\": ".getBytes(StandardCharsets.UTF_8),
            true);
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.header("Content-Type")).startsWith("application/problem+json");

    // another content type: 415 from Spring MVC
    Response text =
        send(
            "POST",
            path,
            auth,
            "text/plain",
            "state=running".getBytes(StandardCharsets.UTF_8),
            true);
    assertThat(text.status()).isEqualTo(415);

    // chunked, and a body over the fast path's limit (within the API's): the controller records
    // them like any heartbeat
    byte[] chunked = json(state(null, null, "chunked"));
    assertThat(send("POST", path, auth, "application/json", chunked, false).status())
        .isEqualTo(200);
    Map<String, Object> large = state(null, null, "large");
    large.put("padding", "x".repeat(DeviceAgentFastPath.MAX_BODY));
    assertThat(send("POST", path, auth, "application/json", json(large), true).status())
        .isEqualTo(200);
    assertThat(
            expect(get("/api/v1/devices/" + id(device), as(owner)), 200)
                .json()
                .path("state")
                .asText())
        .isEqualTo("large");

    assertThat(answered("in-order") + answered("change")).isEqualTo(before);
  }

  private static byte[] json(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
