package io.flowgate.engine.promotion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.RequiresBrowser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A dev → prod promotion on real Node-RED instances, approved by two people in Camunda Tasklist in
 * headless Chromium: each logs in, finds the approval task, reads the form (the first one checks
 * the diff), approves with a comment and completes it; then prod runs the new flows.
 *
 * <p>The browser part is {@code browser/tasklist-approve.js} (playwright-core). The first
 * approver's filled-in form is saved as {@code tasklist-approval.png} in the folder named by the
 * system property {@code flowgate.screenshot-dir}, {@code target/screenshots} by default: the one
 * the README shows is made with {@code -Dflowgate.screenshot-dir=$PWD/docs/screenshots}. When the
 * browser part fails, the page as it was is in {@code target/screenshots/tasklist-failure-*.png}.
 */
@RequiresBrowser
class TasklistApprovalBrowserTest extends PromotionTestSupport {

  private static final String ADDED_NODE = "debug \"log each request\"";

  private final Map<String, String> displayNames = new LinkedHashMap<>();

  @Test
  void twoApproversApproveInTasklistAndProdRunsTheNewFlows() throws Exception {
    String approver1 = approver("Alma", "Berger");
    String approver2 = approver("Jonas", "Keller");
    String dev = create(withFlows(request("dev"), devFlows()));
    String prod = create(withFlows(request("prod"), HelloFlows.answering("v1")));
    List<String> instances = List.of(dev, prod);
    try {
      for (String id : instances) {
        awaitSettled(id, "running");
      }
      assertThat(hello(prod)).isEqualTo("200 v1");
      JsonNode pipeline = devToProd(dev, List.of(prod));
      String promotion = promoteFirstStage(pipeline, body("comment", "log every request"));
      JsonNode waiting = awaitState(promotion, "awaiting-approval");
      assertThat(waiting.path("approvalsRequired").asInt()).isEqualTo(2);
      String hash = waiting.path("snapshot").path("hash").asText();
      String snapshotId = waiting.path("snapshot").path("id").asText();
      String prodName = instance(prod).path("name").asText();

      // the first approver reads the change before signing
      Path screenshot = screenshotDir().resolve("tasklist-approval.png");
      JsonNode first =
          tasklist(
              approver1,
              displayNames.get(approver1),
              hash,
              ADDED_NODE,
              "the diff adds request logging",
              screenshot,
              false);
      JsonNode shown = first.path("shown");
      assertThat(shown.path("snapshotHash").asText()).isEqualTo(hash);
      assertThat(shown.path("diffSummary").asText())
          .isEqualTo(waiting.path("diffSummary").asText())
          .contains(ADDED_NODE);
      assertThat(shown.path("pipeline").asText()).isEqualTo("Filling");
      assertThat(shown.path("sourceStage").asText()).isEqualTo("dev");
      assertThat(shown.path("targetStage").asText()).isEqualTo("prod");
      assertThat(shown.path("targets").asText()).isEqualTo(prodName);
      assertThat(shown.path("snapshotName").asText())
          .isNotBlank()
          .isEqualTo(
              expect(get("/api/v1/snapshots/" + snapshotId, as(owner)), 200)
                  .json()
                  .path("name")
                  .asText());
      assertThat(shown.path("requestedBy").asText()).isEqualTo(owner);
      assertThat(shown.path("requestComment").asText()).isEqualTo("log every request");
      assertThat(shown.path("diffLink").asText()).endsWith("/promotions/" + promotion + "/diff");
      assertThat(screenshot).isRegularFile();
      JsonNode afterFirst = expect(get("/api/v1/promotions/" + promotion, as(owner)), 200).json();
      assertThat(afterFirst.path("state").asText()).isEqualTo("awaiting-approval");
      assertThat(afterFirst.path("approvals")).hasSize(1);
      assertThat(afterFirst.path("approvals").get(0).path("approver").asText())
          .isEqualTo(approver1);

      JsonNode second =
          tasklist(approver2, displayNames.get(approver2), hash, null, "looks right", null, false);
      assertThat(second.path("taskId").asText()).isNotEqualTo(first.path("taskId").asText());
      assertThat(second.path("shown").path("snapshotHash").asText()).isEqualTo(hash);

      JsonNode completed = awaitState(promotion, "completed");
      Map<String, String> comments = new LinkedHashMap<>();
      for (JsonNode approval : completed.path("approvals")) {
        assertThat(approval.path("decision").asText()).isEqualTo("approve");
        comments.put(approval.path("approver").asText(), approval.path("comment").asText());
      }
      assertThat(comments)
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(approver1, "the diff adds request logging", approver2, "looks right"));
      assertThat(instance(prod).path("snapshotId").asText()).isEqualTo(snapshotId);
      assertThat(hello(prod)).isEqualTo("200 v2");
    } finally {
      deleteInstances(instances);
    }
  }

  /** A member of the team who approves its promotions. */
  private String approver(String firstName, String lastName) {
    String username = unique(firstName.toLowerCase());
    expect(
        post(
            "/api/v1/users",
            admin(),
            body(
                "username",
                username,
                "password",
                PASSWORD,
                "email",
                username + "@example.com",
                "organization",
                organization,
                "role",
                "member",
                "firstName",
                firstName,
                "lastName",
                lastName)),
        201);
    putMember(team, username, "member", true);
    displayNames.put(username, firstName + " " + lastName);
    return username;
  }

  private static Path screenshotDir() {
    return Path.of(System.getProperty("flowgate.screenshot-dir", "target/screenshots"))
        .toAbsolutePath();
  }

  /** dev: the next version of the answer, and every request logged by a new node. */
  private static List<Object> devFlows() {
    List<Object> flows = new ArrayList<>();
    for (Object node : HelloFlows.answering("v2")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) node);
      if ("hello-in".equals(copy.get("id"))) {
        copy.put("wires", List.of(List.of("hello-text", "hello-log")));
      }
      flows.add(copy);
    }
    flows.add(
        Map.of(
            "id",
            "hello-log",
            "type",
            "debug",
            "z",
            "tab.hello",
            "name",
            "log each request",
            "active",
            true,
            "complete",
            "req.url",
            "x",
            300,
            "y",
            180,
            "wires",
            List.of()));
    return flows;
  }
}
