package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.testing.Await;
import io.flowgate.connectors.testing.Browser;
import io.flowgate.engine.instance.InstanceDockerTestSupport;
import io.flowgate.engine.testing.PipelineRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.springframework.beans.factory.annotation.Autowired;

/** Real instances, a dev → prod pipeline over them, and promotions watched through the API. */
abstract class PromotionTestSupport extends InstanceDockerTestSupport {

  @Autowired ProcessEngine processEngine;

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
    return expect(promoteFirstStage(pipeline, as(owner), request), 202)
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

  /** Deploys {@link HelloFlows} answering this text to the instance, in its editor. */
  void changeHello(String id, String answer) {
    List<JsonNode> flows = new ArrayList<>();
    for (Object node : HelloFlows.answering(answer)) {
      flows.add(JSON.valueToTree(node));
    }
    try (NodeRedAdminClient client = adminClient(id)) {
      client.setFlows(flows, null, DeploymentType.FULL);
    }
  }

  /** Status and body of GET /hello of the instance ({@link HelloFlows}). */
  String hello(String id) throws Exception {
    return HelloFlows.ask(instance(id).path("port").asInt());
  }

  /**
   * Runs {@code browser/tasklist-approve.js} as the user against this Flowgate's Tasklist: logs in,
   * takes the approval task that shows the snapshot hash, approves it with the comment. Fails with
   * what the script said when it does not exit 0; with {@code expectRefusal} the completion must be
   * refused (the output then holds the refusal).
   */
  JsonNode tasklist(
      String user,
      String displayName,
      String snapshotHash,
      String expectDiff,
      String comment,
      Path screenshot,
      boolean expectRefusal)
      throws Exception {
    Map<String, Object> input = new LinkedHashMap<>();
    // the tests name their engines uniquely (see config/application.yml): Tasklist's default
    // route would look for the engine "default"
    input.put(
        "tasklistUrl",
        "http://localhost:" + port + "/camunda/app/tasklist/" + processEngine.getName() + "/");
    input.put("username", user);
    input.put("displayName", displayName);
    input.put("password", PASSWORD);
    input.put("taskName", "Approve the promotion");
    input.put("snapshotHash", snapshotHash);
    input.put("expectDiff", expectDiff);
    input.put("decision", "approve");
    input.put("comment", comment);
    input.put("screenshot", screenshot == null ? null : screenshot.toString());
    input.put("expectRefusal", expectRefusal);
    input.put(
        "failureScreenshot",
        Path.of("target/screenshots", "tasklist-failure-" + user + ".png")
            .toAbsolutePath()
            .toString());
    Path script =
        Path.of(
            PromotionTestSupport.class
                .getClassLoader()
                .getResource("browser/tasklist-approve.js")
                .toURI());
    Browser.Result result =
        Browser.runScript(script, JSON.writeValueAsString(input), Duration.ofSeconds(90));
    assertThat(result.exitCode()).as("Tasklist as %s: %s", user, result).isZero();
    return JSON.readTree(result.output());
  }
}
