package io.flowgate.engine.promotion;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.instance.InstanceDockerTestSupport;
import io.flowgate.engine.testing.PipelineRequests;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Real instances, a dev → prod pipeline over them, and promotions watched through the API. */
abstract class PromotionTestSupport extends InstanceDockerTestSupport {

  private static final List<String> FINAL_STATES =
      List.of("completed", "rejected", "expired", "rolled-back", "failed");

  /** A pipeline "Filling": dev (create_snapshot of its instance) → prod (protected). */
  JsonNode devToProd(String dev, List<String> prod) {
    return expect(
            post(
                "/api/v1/applications/" + application + "/pipelines",
                as(owner),
                PipelineRequests.devToProd(dev, prod)),
            201)
        .json();
  }

  /** Promotes out of the pipeline's first stage as the owner; the promotion's id. */
  String promoteFirstStage(JsonNode pipeline, Map<String, Object> request) {
    return expect(
            post(
                "/api/v1/pipelines/"
                    + pipeline.path("id").asText()
                    + "/stages/"
                    + pipeline.path("stages").get(0).path("id").asText()
                    + "/promote",
                as(owner),
                request),
            202)
        .json()
        .path("promotionId")
        .asText();
  }

  /** Waits for the state; a different final state fails at once. */
  JsonNode awaitState(String promotion, String state) {
    return Await.until(
        "promotion " + promotion + " " + state,
        PROVISIONING,
        Duration.ofMillis(250),
        () -> expect(get("/api/v1/promotions/" + promotion, as(owner)), 200).json(),
        json -> {
          String now = json.path("state").asText();
          if (!now.equals(state) && FINAL_STATES.contains(now)) {
            throw new AssertionError("promotion is " + now + ": " + json);
          }
          return now.equals(state);
        });
  }

  static Map<String, Object> withFlows(Map<String, Object> request, List<Object> flows) {
    request.put("flows", flows);
    return request;
  }

  /** Status and body of GET /hello of the instance ({@link HelloFlows}). */
  String hello(String id) throws Exception {
    return HelloFlows.ask(instance(id).path("port").asInt());
  }
}
