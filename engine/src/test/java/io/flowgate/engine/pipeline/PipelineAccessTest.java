package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what with pipelines: team viewers read, members (and owners, organization admins,
 * platform admins) change, anyone else does not learn that they exist. API tokens act with their
 * role in their one team.
 */
class PipelineAccessTest extends PipelineTestSupport {

  private String pipelineId;
  private String pipelinePath;
  private JsonNode pipeline;
  private String target;

  @BeforeEach
  void aPipeline() {
    target = instance("target");
    pipeline = create(pipeline("Release", stage("Dev", "create_snapshot", target)));
    pipelineId = pipeline.path("id").asText();
    pipelinePath = "/api/v1/pipelines/" + pipelineId;
  }

  private Map<String, Object> change(String name) {
    return pipeline(
        name, kept(pipeline.path("stages").get(0).path("id").asText(), stage("Dev", "prompt")));
  }

  private String token(String teamId, String role) {
    return expect(
            post(
                "/api/v1/teams/" + teamId + "/tokens",
                admin(),
                body(
                    "name",
                    "pipelines " + role,
                    "role",
                    role,
                    "expiresAt",
                    Instant.now()
                        .plus(1, ChronoUnit.DAYS)
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString())),
            201)
        .json()
        .path("token")
        .asText();
  }

  @Test
  void viewersReadButDoNotChange() {
    String viewer = createUser(organization, unique("viewer"), "member");
    putMember(team, viewer, "viewer", true);
    assertThat(expect(get(pipelinePath, as(viewer)), 200).json()).isEqualTo(pipeline);
    assertThat(texts(expect(get(pipelines(application), as(viewer)), 200).json(), "id"))
        .containsExactly(pipelineId);
    assertProblem(
        post(pipelines(application), as(viewer), pipeline("Mine", stage("A", "prompt"))),
        403,
        "needs member");
    assertProblem(put(pipelinePath, as(viewer), change("Renamed")), 403, "needs member");
    assertProblem(delete(pipelinePath, as(viewer)), 403, "needs member");
    assertThat(expect(get(pipelinePath, as(owner)), 200).json()).isEqualTo(pipeline);
    assertThat(
            count(
                "select count(*) from flowgate.pipeline where application_id = '"
                    + application
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void membersAndAdminsChange() {
    String member = createUser(organization, unique("member"), "member");
    putMember(team, member, "member", false);
    String orgAdmin = createUser(organization, unique("oadm"), "admin");

    String second =
        expect(
                post(pipelines(application), as(member), pipeline("Second", stage("A", "prompt"))),
                201)
            .json()
            .path("id")
            .asText();
    assertThat(
            expect(put(pipelinePath, as(member), change("By member")), 200)
                .json()
                .path("updatedBy")
                .asText())
        .isEqualTo(member);
    assertThat(
            expect(put(pipelinePath, as(orgAdmin), change("By admin")), 200)
                .json()
                .path("updatedBy")
                .asText())
        .isEqualTo(orgAdmin);
    expect(put(pipelinePath, admin(), change("By platform admin")), 200);
    expect(delete("/api/v1/pipelines/" + second, as(member)), 204);
    assertThat(auditCount(pipelineId, "pipeline.changed")).isEqualTo(3);
  }

  @Test
  void othersGetNotFoundAsForAnUnknownPipeline() {
    String otherTeam = createTeam(organization, unique("other"));
    String neighbour = createUser(organization, unique("neighbour"), "member");
    putMember(otherTeam, neighbour, "owner", true);
    String otherOrganization = createOrganization(unique("Elsewhere"));
    String stranger = createUser(otherOrganization, unique("stranger"), "admin");
    String unknown = "/api/v1/pipelines/0000000000000000";
    String unknownDetail =
        get(unknown, as(owner)).json().path("detail").asText().replace("0000000000000000", "%s");

    for (Auth outsider :
        new Auth[] {as(neighbour), as(stranger), Auth.bearer(token(otherTeam, "owner"))}) {
      Response read = get(pipelinePath, outsider);
      assertProblem(read, 404, unknownDetail.formatted(pipelineId));
      assertProblem(put(pipelinePath, outsider, change("Taken over")), 404, pipelineId);
      assertProblem(delete(pipelinePath, outsider), 404, pipelineId);
      assertProblem(get(pipelines(application), outsider), 404, application);
      assertProblem(
          post(pipelines(application), outsider, pipeline("Theirs", stage("A", "prompt"))),
          404,
          application);
    }
    assertThat(get(pipelinePath, Auth.NONE).status()).isEqualTo(401);
    assertThat(delete(pipelinePath, Auth.NONE).status()).isEqualTo(401);
    assertThat(expect(get(pipelinePath, as(owner)), 200).json()).isEqualTo(pipeline);
  }

  @Test
  void tokensActWithTheirRoleInTheirTeam() {
    Auth viewerToken = Auth.bearer(token(team, "viewer"));
    Auth memberToken = Auth.bearer(token(team, "member"));
    expect(get(pipelinePath, viewerToken), 200);
    expect(get(pipelines(application), viewerToken), 200);
    assertProblem(put(pipelinePath, viewerToken, change("Token")), 403, "needs member");

    JsonNode made =
        expect(
                post(
                    pipelines(application),
                    memberToken,
                    pipeline("By token", stage("A", "prompt"))),
                201)
            .json();
    assertThat(made.path("createdBy").asText()).startsWith("token:");
    expect(put(pipelinePath, memberToken, change("Token")), 200);
    assertThat(
            jdbc.sql("select actor from flowgate.audit_log where entity_id = ? and action = ?")
                .params(pipelineId, "pipeline.changed")
                .query(String.class)
                .single())
        .startsWith("token:");
    expect(delete("/api/v1/pipelines/" + made.path("id").asText(), memberToken), 204);
  }
}
