package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The pipeline API: its model, create, read, change, delete, and every check of its input. */
class PipelineApiTest extends PipelineTestSupport {

  @Autowired PipelineService service;
  @Autowired InstanceSteps instanceSteps;
  @Autowired IdentityService identity;

  private String dev;
  private String staging;
  private String prod1;
  private String prod2;

  @BeforeEach
  void instances() {
    dev = instance("dev");
    staging = instance("staging");
    prod1 = instance("prod-1");
    prod2 = instance("prod-2");
  }

  private Map<String, Object> release() {
    Map<String, Object> production = stage("Production", "prompt", prod2, prod1);
    production.put("protected", true);
    return pipeline(
        "Release",
        stage("Development", "create_snapshot", dev),
        stage("Staging", "use_latest", staging),
        production);
  }

  @Test
  void createdPipelineIsReadListedAndDeleted() {
    Response created = expect(post(pipelines(application), as(owner), release()), 201);
    JsonNode pipeline = created.json();
    String id = pipeline.path("id").asText();
    assertThat(created.header("Location")).isEqualTo("/api/v1/pipelines/" + id);
    assertThat(pipeline.path("organizationId").asText()).isEqualTo(organization);
    assertThat(pipeline.path("teamId").asText()).isEqualTo(team);
    assertThat(pipeline.path("applicationId").asText()).isEqualTo(application);
    assertThat(pipeline.path("name").asText()).isEqualTo("Release");
    assertThat(pipeline.path("createdBy").asText()).isEqualTo(owner);
    assertThat(pipeline.path("updatedBy").asText()).isEqualTo(owner);
    assertThat(Instant.parse(pipeline.path("createdAt").asText()))
        .isEqualTo(Instant.parse(pipeline.path("updatedAt").asText()));

    JsonNode stages = pipeline.path("stages");
    assertThat(texts(stages, "name")).containsExactly("Development", "Staging", "Production");
    assertThat(texts(stages, "position")).containsExactly("0", "1", "2");
    assertThat(texts(stages, "action")).containsExactly("create_snapshot", "use_latest", "prompt");
    assertThat(texts(stages, "protected")).containsExactly("false", "false", "true");
    assertThat(texts(stages, "approverGroup")).containsOnly("team-" + team + "-approvers");
    assertThat(texts(stages, "id"))
        .doesNotHaveDuplicates()
        .allMatch(s -> s.matches("[0-9a-z]{16}"));
    assertThat(stages.get(0).path("instances").get(0).asText()).isEqualTo(dev);
    List<String> production = new ArrayList<>();
    stages.get(2).path("instances").forEach(node -> production.add(node.asText()));
    assertThat(production).containsExactlyInAnyOrder(prod1, prod2).isSorted();
    assertThat(stages.get(0).has("isProtected")).isFalse();
    // the team's group is the default, not stored
    assertThat(
            count(
                "select count(*) from flowgate.pipeline_stage where approver_group is null and"
                    + " pipeline_id = '"
                    + id
                    + "'"))
        .isEqualTo(3);

    assertThat(expect(get("/api/v1/pipelines/" + id, as(owner)), 200).json()).isEqualTo(pipeline);
    create(pipeline("Hotfix", stage("Production", "prompt")));
    JsonNode listed = expect(get(pipelines(application), as(owner)), 200).json();
    assertThat(texts(listed, "name")).containsExactly("Hotfix", "Release");
    assertThat(listed.get(1)).isEqualTo(pipeline);

    JsonNode audited = auditDetails("pipeline", id, "pipeline.created");
    assertThat(audited.path("name").asText()).isEqualTo("Release");
    assertThat(audited.path("applicationId").asText()).isEqualTo(application);
    assertThat(texts(audited.path("stages"), "name"))
        .containsExactly("Development", "Staging", "Production");
    assertThat(audited.path("stages").get(2).path("protected").asBoolean()).isTrue();

    expect(delete("/api/v1/pipelines/" + id, as(owner)), 204);
    assertProblem(get("/api/v1/pipelines/" + id, as(owner)), 404, id);
    assertProblem(delete("/api/v1/pipelines/" + id, as(owner)), 404, id);
    assertThat(
            count("select count(*) from flowgate.pipeline_stage where pipeline_id = '" + id + "'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from flowgate.pipeline_stage_instance where instance_id in ('"
                    + String.join("','", dev, staging, prod1, prod2)
                    + "')"))
        .isZero();
    assertThat(auditDetails("pipeline", id, "pipeline.deleted").path("stages").toString())
        .isEqualTo("[\"Development\",\"Staging\",\"Production\"]");
    assertThat(texts(expect(get(pipelines(application), as(owner)), 200).json(), "name"))
        .containsExactly("Hotfix");
  }

  @Test
  void putKeepsGivenStageIdsAddsNewOnesDropsTheRestAndReorders() {
    JsonNode before = create(release());
    String id = before.path("id").asText();
    String developmentId = before.path("stages").get(0).path("id").asText();
    String stagingId = before.path("stages").get(1).path("id").asText();
    String productionId = before.path("stages").get(2).path("id").asText();

    // production moves first and takes the staging stage's name, staging goes, a new stage takes
    // over staging's instance
    Map<String, Object> production = stage("Staging", "prompt", prod1);
    production.put("protected", true);
    Map<String, Object> body =
        pipeline(
            "Release 2",
            kept(productionId, production),
            kept(developmentId, stage("Development (line 3)", "use_latest", dev, prod2)),
            stage("Acceptance", "create_snapshot", staging));
    JsonNode after = expect(put("/api/v1/pipelines/" + id, as(owner), body), 200).json();

    assertThat(after.path("id").asText()).isEqualTo(id);
    assertThat(after.path("name").asText()).isEqualTo("Release 2");
    JsonNode stages = after.path("stages");
    assertThat(texts(stages, "name"))
        .containsExactly("Staging", "Development (line 3)", "Acceptance");
    assertThat(texts(stages, "position")).containsExactly("0", "1", "2");
    assertThat(texts(stages, "id").subList(0, 2)).containsExactly(productionId, developmentId);
    String acceptanceId = stages.get(2).path("id").asText();
    assertThat(acceptanceId).isNotIn(developmentId, stagingId, productionId);
    assertThat(stages.get(0).path("protected").asBoolean()).isTrue();
    assertThat(stages.get(1).path("action").asText()).isEqualTo("use_latest");
    assertThat(stages.get(0).path("instances").toString()).isEqualTo("[\"" + prod1 + "\"]");
    assertThat(stages.get(1).path("instances").size()).isEqualTo(2);
    assertThat(stages.get(2).path("instances").toString()).isEqualTo("[\"" + staging + "\"]");
    assertThat(count("select count(*) from flowgate.pipeline_stage where id = '" + stagingId + "'"))
        .isZero();
    assertThat(after.path("createdAt").asText()).isEqualTo(before.path("createdAt").asText());
    assertThat(Instant.parse(after.path("updatedAt").asText()))
        .isAfterOrEqualTo(Instant.parse(before.path("updatedAt").asText()));
    assertThat(expect(get("/api/v1/pipelines/" + id, as(owner)), 200).json()).isEqualTo(after);

    JsonNode audited = auditDetails("pipeline", id, "pipeline.changed");
    assertThat(audited.path("previousName").asText()).isEqualTo("Release");
    assertThat(audited.path("name").asText()).isEqualTo("Release 2");
    assertThat(audited.path("stagesBefore").toString())
        .isEqualTo("[\"Development\",\"Staging\",\"Production\"]");
    assertThat(audited.path("stagesAfter").toString())
        .isEqualTo("[\"Staging\",\"Development (line 3)\",\"Acceptance\"]");

    // the same body again changes nothing: no new audit entry, same updatedAt
    Map<String, Object> same =
        pipeline(
            "Release 2",
            kept(productionId, production),
            kept(developmentId, stage("Development (line 3)", "use_latest", prod2, dev)),
            kept(acceptanceId, stage("Acceptance", "create_snapshot", staging)));
    assertThat(expect(put("/api/v1/pipelines/" + id, as(owner), same), 200).json())
        .isEqualTo(after);
    assertThat(auditCount(id, "pipeline.changed")).isEqualTo(1);

    // two stages swap places and names
    Map<String, Object> swapped =
        pipeline(
            "Release 2",
            kept(developmentId, stage("Staging", "use_latest", prod2, dev)),
            kept(productionId, renamed(production, "Development (line 3)")),
            kept(acceptanceId, stage("Acceptance", "create_snapshot", staging)));
    JsonNode swappedBack = expect(put("/api/v1/pipelines/" + id, as(owner), swapped), 200).json();
    assertThat(texts(swappedBack.path("stages"), "id"))
        .containsExactly(developmentId, productionId, acceptanceId);
    assertThat(texts(swappedBack.path("stages"), "name"))
        .containsExactly("Staging", "Development (line 3)", "Acceptance");
  }

  private static Map<String, Object> renamed(Map<String, Object> stage, String name) {
    Map<String, Object> copy = new LinkedHashMap<>(stage);
    copy.put("name", name);
    return copy;
  }

  @Test
  void everyWrongRequestSaysWhatToFixAndStoresNothing() {
    String otherApplication = newApplication("Line 2");
    String elsewhere = instanceOf(otherApplication, "line-2");
    String otherOrganization = createOrganization(unique("Other org"));
    String foreignTeam = createTeam(otherOrganization, unique("foreign"));
    String strayTeam = createTeam(organization, unique("stray"));
    identity.deleteGroup("team-" + strayTeam + "-approvers");
    String path = pipelines(application);
    int audited = count("select count(*) from flowgate.audit_log");

    assertInvalid(post(path, as(owner), body("name", "P")), "stages", "is required");
    assertInvalid(post(path, as(owner), pipeline("P")), "stages", "1 to 20 stages");
    List<Map<String, Object>> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      many.add(stage("Stage " + i, "prompt"));
    }
    assertInvalid(post(path, as(owner), body("name", "P", "stages", many)), "stages", "1 to 20");
    assertInvalid(
        post(path, as(owner), pipeline(" ", stage("A", "prompt"))), "name", "is required");
    assertInvalid(
        post(path, as(owner), pipeline("x".repeat(101), stage("A", "prompt"))),
        "name",
        "at most 100");
    assertInvalid(
        post(path, as(owner), pipeline("<b></b>", stage("A", "prompt"))), "name", "besides markup");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("", "prompt"))), "stages[0].name", "is required");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("y".repeat(101), "prompt"))),
        "stages[0].name",
        "at most 100");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("Prod", "prompt"), stage("prod", "prompt"))),
        "stages[1].name",
        "stages[0] too");
    Map<String, Object> noAction = body("name", "A");
    assertInvalid(
        post(path, as(owner), pipeline("P", noAction)), "stages[0].action", "create_snapshot");
    assertProblem(
        post(path, as(owner), pipeline("P", stage("A", "deploy"))),
        400,
        "stages[0].action' has a wrong value: expected one of create_snapshot, use_latest, prompt");
    Map<String, Object> odd = stage("A", "prompt");
    odd.put("colour", "red");
    assertProblem(post(path, as(owner), pipeline("P", odd)), 400, "Unknown field 'colour'");
    Map<String, Object> yes = stage("A", "prompt");
    yes.put("protected", "yes");
    assertProblem(post(path, as(owner), pipeline("P", yes)), 400, "stages[0].protected");
    Map<String, Object> withId = kept("0000000000000000", stage("A", "prompt"));
    assertInvalid(post(path, as(owner), pipeline("P", withId)), "stages[0].id", "leave it out");

    // targets: instances of this application, each in one stage
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("A", "prompt", dev, "0000000000000000"))),
        "stages[0].instances[1]",
        "no instance '0000000000000000' in application 'Line 1'");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("A", "prompt", "../" + dev))),
        "stages[0].instances[0]",
        "no instance");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("A", "prompt", elsewhere))),
        "stages[0].instances[0]",
        "'line-2' (" + elsewhere + ") belongs to another application");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("A", "prompt"), stage("B", "prompt", dev, dev))),
        "stages[1].instances[1]",
        "given twice");
    assertInvalid(
        post(path, as(owner), pipeline("P", stage("A", "prompt", dev), stage("B", "prompt", dev))),
        "stages[1].instances[0]",
        "target of stages[0] already");

    // approvers: the approvers group of a team of this organization
    for (String group :
        List.of(
            "camunda-admin",
            "org-" + organization + "-admins",
            "team-" + team + "-members",
            "team-" + foreignTeam + "-approvers",
            "team-0000000000000000-approvers",
            "team-" + strayTeam + "-approvers")) {
      Map<String, Object> approved = stage("A", "prompt");
      approved.put("approverGroup", group);
      assertInvalid(
          post(path, as(owner), pipeline("P", approved)),
          "stages[0].approverGroup",
          "'" + group + "' is not the approvers group of a team in this organization");
    }

    // all wrong fields at once
    Response several =
        post(
            path,
            as(owner),
            pipeline(
                "P", stage("A", "prompt", elsewhere), stage("a", "prompt", "0000000000000000")));
    assertThat(texts(several.json().path("errors"), "field"))
        .containsExactly("stages[0].instances[0]", "stages[1].name", "stages[1].instances[0]");

    assertThat(
            count(
                "select count(*) from flowgate.pipeline where application_id = '"
                    + application
                    + "'"))
        .isZero();
    assertThat(count("select count(*) from flowgate.audit_log")).isEqualTo(audited);
  }

  @Test
  void refusedChangesLeaveThePipelineAsItWas() {
    JsonNode release = create(release());
    String id = release.path("id").asText();
    JsonNode hotfix = create(pipeline("Hotfix", stage("Only", "prompt")));
    String hotfixStage = hotfix.path("stages").get(0).path("id").asText();
    String developmentId = release.path("stages").get(0).path("id").asText();
    String path = "/api/v1/pipelines/" + id;

    assertInvalid(
        put(path, as(owner), pipeline("Release", kept(hotfixStage, stage("A", "prompt")))),
        "stages[0].id",
        "not a stage of this pipeline");
    assertInvalid(
        put(
            path,
            as(owner),
            pipeline(
                "Release",
                kept(developmentId, stage("A", "prompt")),
                kept(developmentId, stage("B", "prompt")))),
        "stages[1].id",
        "stages[0] too");
    assertInvalid(put(path, as(owner), pipeline("Release")), "stages", "1 to 20");
    assertProblem(
        put(path, as(owner), pipeline("hotfix", stage("A", "prompt"))), 409, "choose another name");
    assertProblem(
        put("/api/v1/pipelines/0000000000000000", as(owner), pipeline("X", stage("A", "prompt"))),
        404,
        "0000000000000000");

    assertThat(expect(get(path, as(owner)), 200).json()).isEqualTo(release);
    assertThat(auditCount(id, "pipeline.changed")).isZero();
  }

  @Test
  void namesAreUniquePerApplicationAndSanitized() {
    JsonNode created =
        create(pipeline("<b>Release</b> &amp; <i>hotfix</i>", stage("  Dev\tline  ", "prompt")));
    assertThat(created.path("name").asText()).isEqualTo("Release & hotfix");
    assertThat(created.path("stages").get(0).path("name").asText()).isEqualTo("Dev line");
    assertProblem(
        post(pipelines(application), as(owner), pipeline("RELEASE & HOTFIX", stage("A", "prompt"))),
        409,
        "has a pipeline named 'RELEASE & HOTFIX'; choose another name");
    String other = newApplication("Line 2");
    expect(
        post(pipelines(other), as(owner), pipeline("Release & hotfix", stage("A", "prompt"))), 201);
  }

  @Test
  void aStageMayNameTheApproversOfAnotherTeamOfTheOrganization() {
    String quality = createTeam(organization, unique("quality"));
    Map<String, Object> production = stage("Production", "prompt", prod1);
    production.put("approverGroup", "team-" + quality + "-approvers");
    production.put("protected", true);
    Map<String, Object> staging = stage("Staging", "use_latest", this.staging);
    staging.put("approverGroup", "team-" + team + "-approvers"); // the default, said aloud
    JsonNode created = create(pipeline("Release", staging, production));
    assertThat(texts(created.path("stages"), "approverGroup"))
        .containsExactly("team-" + team + "-approvers", "team-" + quality + "-approvers");
    assertThat(
            jdbc.sql(
                    "select coalesce(approver_group, '-') from flowgate.pipeline_stage"
                        + " where pipeline_id = ? order by position")
                .param(created.path("id").asText())
                .query(String.class)
                .list())
        .containsExactly("-", "team-" + quality + "-approvers");
  }

  @Test
  void anApplicationWithPipelinesIsNotDeleted() {
    String empty = newApplication("Line 9");
    String id =
        expect(post(pipelines(empty), as(owner), pipeline("Release", stage("A", "prompt"))), 201)
            .json()
            .path("id")
            .asText();
    assertProblem(delete("/api/v1/applications/" + empty, as(owner)), 409, "pipelines");
    expect(get("/api/v1/pipelines/" + id, as(owner)), 200);
    expect(delete("/api/v1/pipelines/" + id, as(owner)), 204);
    expect(delete("/api/v1/applications/" + empty, as(owner)), 204);
  }

  @Test
  void aDeletedInstanceStopsBeingATargetOfItsStage() {
    JsonNode created = create(release());
    String id = created.path("id").asText();
    instanceSteps.deleteRecord(prod1, "test-process");

    JsonNode production =
        expect(get("/api/v1/pipelines/" + id, as(owner)), 200).json().path("stages").get(2);
    assertThat(production.path("instances").toString()).isEqualTo("[\"" + prod2 + "\"]");
    JsonNode deleted = auditDetails("instance", prod1, "instance.deleted");
    assertThat(deleted.path("pipelineStages").size()).isEqualTo(1);
    assertThat(deleted.path("pipelineStages").get(0).path("pipelineId").asText()).isEqualTo(id);
    assertThat(deleted.path("pipelineStages").get(0).path("stage").asText())
        .isEqualTo("Production");
  }

  @Test
  void servicesGivePromotionsThePipelineAndTheNextStage() {
    JsonNode created = create(release());
    String id = created.path("id").asText();
    Pipeline pipeline = service.find(id);
    assertThat(pipeline.stages())
        .extracting(PipelineStage::name)
        .containsExactly("Development", "Staging", "Production");
    PipelineStage development = pipeline.stages().get(0);
    PipelineStage staging = pipeline.stages().get(1);
    PipelineStage production = pipeline.stages().get(2);
    assertThat(development.action()).isEqualTo(StageAction.CREATE_SNAPSHOT);
    assertThat(production.isProtected()).isTrue();
    assertThat(production.approverGroup()).isEqualTo("team-" + team + "-approvers");
    assertThat(service.nextStage(pipeline, development.id())).contains(staging);
    assertThat(service.nextStage(pipeline, staging.id())).contains(production);
    assertThat(service.nextStage(pipeline, production.id())).isEmpty();
    assertThat(pipeline.stage(staging.id())).contains(staging);
    assertThatThrownBy(() -> service.nextStage(pipeline, "0000000000000000"))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.status().value()).isEqualTo(404));
    assertThatThrownBy(() -> service.find("0000000000000000"))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.status().value()).isEqualTo(404));

    assertThat(service.get(new Caller.Person(owner, false), id)).isEqualTo(pipeline);
    String stranger = createUser(organization, unique("stranger"), "member");
    assertThatThrownBy(() -> service.get(new Caller.Person(stranger, false), id))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.status().value()).isEqualTo(404));
  }

  @Test
  void theOpenApiDocumentListsTheEndpoints() {
    JsonNode document = expect(get("/v3/api-docs", Auth.NONE), 200).json();
    JsonNode paths = document.path("paths");
    assertThat(paths.path("/api/v1/applications/{id}/pipelines").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("get", "post");
    assertThat(paths.path("/api/v1/pipelines/{id}").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("get", "put", "delete");
    assertThat(paths.path("/api/v1/pipelines/{id}").path("put").path("summary").asText())
        .isEqualTo("Replace a pipeline's name and stages");
    JsonNode stage = document.at("/components/schemas/PipelineStage/properties");
    assertThat(stage.fieldNames())
        .toIterable()
        .contains("id", "name", "position", "instances", "action", "protected", "approverGroup")
        .doesNotContain("isProtected");
    assertThat(stage.path("action").path("enum").toString())
        .isEqualTo("[\"create_snapshot\",\"use_latest\",\"prompt\"]");
    assertThat(document.at("/components/schemas/StageRequest/properties").fieldNames())
        .toIterable()
        .contains("id", "protected", "approverGroup");
  }
}
