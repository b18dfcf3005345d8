package io.flowgate.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresBrowser;
import io.flowgate.connectors.testing.RequiresNodeRed;
import io.flowgate.engine.instance.InstanceTestSupport;
import io.flowgate.engine.testing.PipelineRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in headless Chromium on local Node-RED processes (no Docker): an owner signs in,
 * creates an instance with the team page's form and watches it become running, asks for a promotion
 * on the pipeline page and sees it wait for two approvals with links to the Tasklist tasks and a
 * drawn diff; a viewer sees the same pages without any button that changes something.
 */
@RequiresNodeRed
@RequiresBrowser
class ConsoleBrowserTest extends InstanceTestSupport {

  private static final Duration BROWSER = Duration.ofMinutes(4);

  @DynamicPropertySource
  static void localProcesses(DynamicPropertyRegistry registry) {
    registry.add("flowgate.runtime.kind", () -> "local");
    registry.add(
        "flowgate.runtime.node-red-home", () -> System.getProperty(NodeRedProcess.HOME_PROPERTY));
    registry.add("flowgate.instances.ports", () -> "19160-19169");
  }

  @Autowired ProcessEngine processEngine;

  @Test
  void anOwnerCreatesAnInstanceAndRequestsAPromotionAndAViewerSeesNoActions() throws Exception {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", false);
    String dev = create(withFlows(request("filling-dev"), flows("v2", true)));
    String prod = create(withFlows(request("filling-prod"), flows("v1", false)));
    List<String> instances = new ArrayList<>(List.of(dev, prod));
    try {
      // the owner makes a third instance in the console and watches it come up
      JsonNode made =
          ConsoleScript.run(
              port,
              owner,
              PASSWORD,
              "create-instance",
              Map.of("teamId", team, "instanceName", "filling-3"),
              BROWSER);
      String third = made.path("instanceId").asText();
      instances.add(third);
      assertThat(made.path("signedInAs").asText()).isEqualTo(owner);
      List<String> states = texts(made.path("states"));
      assertThat(states).last().isEqualTo("running");
      assertThat(states).first().isIn("provisioning", "starting", "running");
      JsonNode running = instance(third);
      assertThat(running.path("name").asText()).isEqualTo("filling-3");
      assertThat(running.path("state").asText()).isEqualTo("running");
      assertThat(made.path("url").asText()).isEqualTo(running.path("url").asText()).isNotBlank();
      assertThat(texts(made.path("buttons")))
          .containsExactly("Start", "Stop", "Restart", "Suspend", "Delete");
      assertThat(made.path("deleteQuestion").asText()).contains("Delete instance filling-3?");
      assertThat(made.path("stateAfterCancel").asText()).isEqualTo("running");

      // the owner promotes dev to prod: it waits for two approvals, and the diff is drawn
      awaitSettled(dev, "running");
      awaitSettled(prod, "running");
      JsonNode pipeline = devToProd(dev, prod);
      JsonNode promoted =
          ConsoleScript.run(
              port,
              owner,
              PASSWORD,
              "promote",
              Map.of("pipelineId", pipeline.path("id").asText()),
              BROWSER);
      String promotionId = promoted.path("promotionId").asText();
      JsonNode promotion = expect(get("/api/v1/promotions/" + promotionId, as(owner)), 200).json();
      assertThat(promotion.path("state").asText()).isEqualTo("awaiting-approval");
      assertThat(promoted.path("approvals").asText()).startsWith("0 of 2");
      String tasklist = "/camunda/app/tasklist/" + processEngine.getName() + "/#/?task=";
      assertThat(texts(promoted.path("tasklistLinks")))
          .hasSize(2)
          .containsExactlyInAnyOrderElementsOf(
              texts(promotion.path("openTasks")).stream().map(task -> tasklist + task).toList());
      assertThat(promoted.path("cockpitLink").asText())
          .isEqualTo(
              "/camunda/app/cockpit/"
                  + processEngine.getName()
                  + "/#/process-instance/"
                  + promotion.path("processInstanceId").asText());
      JsonNode diff = promoted.path("diff");
      assertThat(diff.path("url").asText())
          .endsWith("/console/#/promotions/" + promotionId + "/diff");
      assertThat(texts(diff.path("added"))).containsExactly("hello-log");
      assertThat(texts(diff.path("changed"))).contains("hello-in", "hello-text");
      assertThat(diff.path("changes").asText()).contains("added debug \"log each request\"");

      // a snapshot and the diff of two, drawn: what prod runs and what the promotion brings
      String prodSnapshot =
          expect(
                  post("/api/v1/instances/" + prod + "/snapshots", as(owner), body("name", "v1")),
                  201)
              .json()
              .path("id")
              .asText();
      String promotedSnapshot = promotion.path("snapshot").path("id").asText();
      JsonNode drawn =
          ConsoleScript.run(
              port,
              viewer,
              PASSWORD,
              "snapshots",
              Map.of(
                  "snapshotId", promotedSnapshot,
                  "fromId", prodSnapshot,
                  "toId", promotedSnapshot),
              BROWSER);
      assertThat(texts(drawn.path("nodes")))
          .containsExactlyInAnyOrder("hello-in", "hello-text", "hello-out", "hello-log");
      assertThat(texts(drawn.path("tabs"))).containsExactly("Hello");
      assertThat(texts(drawn.path("diff").path("after").path("added")))
          .containsExactly("hello-log");
      assertThat(texts(drawn.path("diff").path("after").path("changed")))
          .containsExactlyInAnyOrder("hello-in", "hello-text");
      assertThat(texts(drawn.path("diff").path("before").path("changed")))
          .containsExactlyInAnyOrder("hello-in", "hello-text");
      assertThat(texts(drawn.path("diff").path("before").path("removed"))).isEmpty();
      assertThat(drawn.path("diff").path("changes").asText())
          .contains("changed change \"answer v2\": name, rules");

      // a viewer sees the team, the instance and the pipeline, and no action at all
      JsonNode seen =
          ConsoleScript.run(
              port,
              viewer,
              PASSWORD,
              "viewer",
              Map.of(
                  "pages",
                  List.of(
                      "#/teams/" + team,
                      "#/instances/" + third,
                      "#/pipelines/" + pipeline.path("id").asText())),
              BROWSER);
      for (JsonNode page : seen.path("pages")) {
        assertThat(page.path("actions").asInt()).as("actions offered: %s", page).isZero();
      }
      assertThat(seen.path("pages").path("#/teams/" + team).path("role").asText())
          .isEqualTo("viewer");
      assertThat(seen.path("auditLinkShown").asBoolean()).isFalse();
      // and the API refuses what the console does not offer
      expect(post("/api/v1/instances/" + third + "/actions/stop", as(viewer), null), 403);
    } finally {
      deleteInstances(instances);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static Map<String, Object> withFlows(Map<String, Object> request, List<Object> flows) {
    request.put("flows", flows);
    return request;
  }

  /** GET /hello answers with the text; with {@code log}, a debug node logs every request. */
  private static List<Object> flows(String answer, boolean log) {
    List<Object> flows = new ArrayList<>();
    flows.add(Map.of("id", "tab.hello", "type", "tab", "label", "Hello"));
    flows.add(
        Map.of(
            "id", "hello-in",
            "type", "http in",
            "z", "tab.hello",
            "url", "/hello",
            "method", "get",
            "x", 120,
            "y", 100,
            "wires", List.of(log ? List.of("hello-text", "hello-log") : List.of("hello-text"))));
    flows.add(
        Map.of(
            "id",
            "hello-text",
            "type",
            "change",
            "z",
            "tab.hello",
            "name",
            "answer " + answer,
            "rules",
            List.of(Map.of("t", "set", "p", "payload", "pt", "msg", "to", answer, "tot", "str")),
            "x",
            320,
            "y",
            100,
            "wires",
            List.of(List.of("hello-out"))));
    flows.add(
        Map.of(
            "id",
            "hello-out",
            "type",
            "http response",
            "z",
            "tab.hello",
            "x",
            520,
            "y",
            100,
            "wires",
            List.of()));
    if (log) {
      flows.add(
          Map.of(
              "id", "hello-log",
              "type", "debug",
              "z", "tab.hello",
              "name", "log each request",
              "active", true,
              "complete", "req.url",
              "x", 330,
              "y", 180,
              "wires", List.of()));
    }
    return flows;
  }

  /** dev (takes a snapshot of its instance) → prod (protected: two approvals). */
  private JsonNode devToProd(String dev, String prod) {
    return expect(
            post(
                "/api/v1/applications/" + application + "/pipelines",
                as(owner),
                PipelineRequests.devToProd(dev, List.of(prod))),
            201)
        .json();
  }
}
