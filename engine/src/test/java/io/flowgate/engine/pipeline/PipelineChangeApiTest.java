package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.BypassRoutes;
import io.flowgate.engine.testing.PipelineChangeJobs;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A change that weakens a bound protected stage waits for the approvals of a promotion into it:
 * refused for the requester and for who is no approver (each refusal audited), applied after two
 * approvers, and failed when the pipeline changed meanwhile.
 */
class PipelineChangeApiTest extends PipelineTestSupport {

  @Autowired ProcessEngine engine;

  private String member;
  private String approver1;
  private String approver2;
  private String prod;
  private String pipelineId;
  private JsonNode stages;

  @BeforeEach
  void aBoundProtectedProductionStage() {
    member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    approver1 = createUser(organization, unique("approver"), "member");
    putMember(team, approver1, "member", true);
    approver2 = createUser(organization, unique("approver"), "member");
    putMember(team, approver2, "member", true);
    String dev = instance("dev-1");
    prod = instance("prod-1");
    Map<String, Object> prodStage = stage("prod", "use_latest", prod);
    prodStage.put("protected", true);
    JsonNode created = create(pipeline("Filling", stage("dev", "create_snapshot", dev), prodStage));
    pipelineId = created.path("id").asText();
    stages = created.path("stages");
    expect(
        post(
            "/api/v1/pipelines/"
                + pipelineId
                + "/stages/"
                + stages.path(0).path("id").asText()
                + "/promote",
            as(owner),
            body("comment", "first release")),
        202);
  }

  @Test
  void twoApproversTakeAnInstanceOutOfProductionAndItIsNoLongerProtected() {
    JsonNode change = requestInstanceOut();
    assertThat(change.path("state").asText()).isEqualTo("awaiting-approval");
    assertThat(change.path("approvalsRequired").asInt()).isEqualTo(2);
    assertThat(change.path("approverGroup").asText()).isEqualTo("team-" + team + "-approvers");
    assertThat(change.path("requestedBy").asText()).isEqualTo(owner);
    assertThat(change.path("weakenings").path(0).asText()).contains("loses instances");
    assertThat(change.path("expiresAt").asText()).isNotEmpty();
    String id = change.path("id").asText();
    String approvals = "/api/v1/pipeline-changes/" + id + "/approvals";
    Map<String, Object> approve = body("decision", "approve", "comment", "ok");

    // nothing changed yet, and one change at a time; promotions wait for it
    assertThat(prodInstances()).containsExactly(prod);
    assertProblem(put("/api/v1/pipelines/" + pipelineId, as(owner), instanceOut()), 409, "one");
    assertThat(
            post(
                    "/api/v1/pipelines/"
                        + pipelineId
                        + "/stages/"
                        + stages.path(0).path("id").asText()
                        + "/promote",
                    as(owner),
                    body("comment", "again"))
                .status())
        .isEqualTo(409);

    int refusedBefore = auditCount(pipelineId, "pipeline.change-approval-refused");
    assertProblem(post(approvals, as(owner), approve), 403, "requester");
    assertProblem(post(approvals, as(member), approve), 403, "not an approver");
    assertProblem(
        post(approvals, as(approver1), body("decision", "reject")), 403, "needs a comment");
    assertThat(auditCount(pipelineId, "pipeline.change-approval-refused") - refusedBefore)
        .isEqualTo(3);

    expect(post(approvals, as(approver1), approve), 200);
    assertProblem(post(approvals, as(approver1), approve), 403, "already");
    JsonNode approved = expect(post(approvals, as(approver2), approve), 200).json();
    assertThat(approved.path("approvals")).hasSize(2);
    assertThat(prodInstances()).as("applied only by the process step").containsExactly(prod);
    PipelineChangeJobs.runAll(engine, change.path("processInstanceId").asText());

    JsonNode applied = expect(get("/api/v1/pipeline-changes/" + id, as(member)), 200).json();
    assertThat(applied.path("state").asText()).isEqualTo("applied");
    assertThat(prodInstances()).isEmpty();
    assertThat(auditCount(pipelineId, "pipeline.change-applied")).isEqualTo(1);
    assertThat(auditCount(pipelineId, "pipeline.change-approved")).isEqualTo(2);
    JsonNode listed =
        expect(get("/api/v1/pipelines/" + pipelineId + "/changes", as(member)), 200).json();
    assertThat(listed.path(0).path("id").asText()).isEqualTo(id);
    // out of its protected stage, the instance is no longer protected
    assertThat(delete("/api/v1/instances/" + prod, as(owner)).status()).isNotEqualTo(403);
  }

  @Test
  void aChangeOfAPipelineEditedMeanwhileFails() {
    JsonNode change = requestInstanceOut();
    String approvals = "/api/v1/pipeline-changes/" + change.path("id").asText() + "/approvals";
    // an edit that weakens nothing goes through at once, and makes the waiting change stale
    Map<String, Object> renamed = BypassRoutes.edited(scene(), prod -> {});
    renamed.put("name", "Filling line 1");
    expect(put("/api/v1/pipelines/" + pipelineId, as(owner), renamed), 200);
    Map<String, Object> approve = body("decision", "approve");
    expect(post(approvals, as(approver1), approve), 200);
    expect(post(approvals, as(approver2), approve), 200);
    PipelineChangeJobs.runAll(engine, change.path("processInstanceId").asText());

    JsonNode failed =
        expect(get("/api/v1/pipeline-changes/" + change.path("id").asText(), as(owner)), 200)
            .json();
    assertThat(failed.path("state").asText()).isEqualTo("failed");
    assertThat(failed.path("stateReason").asText()).contains("the pipeline changed since");
    assertThat(prodInstances()).containsExactly(prod);
    assertThat(auditCount(pipelineId, "pipeline.change-failed")).isEqualTo(1);
  }

  @Test
  void aTokenRequestsForItsCreatorAndCannotApprove() {
    String token = createApiToken(team, owner, "member");
    JsonNode change =
        expect(put("/api/v1/pipelines/" + pipelineId, Auth.bearer(token), instanceOut()), 202)
            .json();
    assertThat(change.path("requestedBy").asText()).isEqualTo(owner);
    assertThat(change.path("requestedVia").asText()).isNotEmpty();
    String approvals = "/api/v1/pipeline-changes/" + change.path("id").asText() + "/approvals";
    assertProblem(post(approvals, Auth.bearer(token), body("decision", "approve")), 403, "person");
    assertProblem(post(approvals, as(owner), body("decision", "approve")), 403, "requester");
  }

  private JsonNode requestInstanceOut() {
    return expect(put("/api/v1/pipelines/" + pipelineId, as(owner), instanceOut()), 202).json();
  }

  private Map<String, Object> instanceOut() {
    return BypassRoutes.edited(scene(), prod -> prod.put("instances", List.of()));
  }

  private BypassRoutes.Scene scene() {
    return new BypassRoutes.Scene(
        application, pipelineId, stages, prod, null, null, null, null, null, null, null);
  }

  private List<String> prodInstances() {
    JsonNode pipeline = expect(get("/api/v1/pipelines/" + pipelineId, as(owner)), 200).json();
    List<String> instances = new java.util.ArrayList<>();
    pipeline.path("stages").path(1).path("instances").forEach(id -> instances.add(id.asText()));
    return instances;
  }
}
