package io.flowgate.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * A team with an application and four instances of it (rows only: jobs do not run in this context,
 * so provisioning stops at its first asynchronous step), and the bodies of the pipeline API.
 */
abstract class PipelineTestSupport extends ApiTestSupport {

  protected String organization;
  protected String team;
  protected String owner;
  protected String application;

  @BeforeEach
  void aTeamWithAnApplication() {
    TeamWithApplication made = teamWithApplication();
    organization = made.organization();
    team = made.team();
    owner = made.owner();
    application = made.application();
  }

  /** A new instance of the application; returns its id. */
  protected String instance(String name) {
    return instanceOf(application, name);
  }

  protected String instanceOf(String applicationId, String name) {
    return expect(
            post(
                "/api/v1/instances",
                as(owner),
                body("team", team, "application", applicationId, "name", name)),
            202)
        .json()
        .path("id")
        .asText();
  }

  protected String newApplication(String name) {
    return expect(
            post("/api/v1/teams/" + team + "/applications", as(owner), body("name", name)), 201)
        .json()
        .path("id")
        .asText();
  }

  protected static Map<String, Object> stage(String name, String action, String... instances) {
    return body("name", name, "action", action, "instances", List.of(instances));
  }

  /** The stage body with the id of an existing stage. */
  protected static Map<String, Object> kept(String id, Map<String, Object> stage) {
    Map<String, Object> withId = body("id", id);
    withId.putAll(stage);
    return withId;
  }

  /** A pipeline body; the stages are maps as {@link #stage} makes them. */
  protected static Map<String, Object> pipeline(String name, Object... stages) {
    return body("name", name, "stages", new ArrayList<>(Arrays.asList(stages)));
  }

  protected String pipelines(String applicationId) {
    return "/api/v1/applications/" + applicationId + "/pipelines";
  }

  protected JsonNode create(Map<String, Object> body) {
    return expect(post(pipelines(application), as(owner), body), 201).json();
  }

  protected static void assertProblem(Response response, int status, String detailContains) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().path("detail").asText()).contains(detailContains);
  }

  /** A 400 that names the field, with a message that contains the text. */
  protected static void assertInvalid(Response response, String field, String messageContains) {
    assertProblem(response, 400, field);
    List<String> messages = new ArrayList<>();
    for (JsonNode error : response.json().path("errors")) {
      if (error.path("field").asText().equals(field)) {
        messages.add(error.path("message").asText());
      }
    }
    assertThat(messages).as(response.toString()).anyMatch(m -> m.contains(messageContains));
  }

  /** The details of the pipeline's newest audit entry with this action. */
  protected JsonNode auditDetails(String entityType, String entityId, String action) {
    String details =
        jdbc.sql(
                "select details from flowgate.audit_log where entity_type = ? and entity_id = ?"
                    + " and action = ? order by seq desc limit 1")
            .params(entityType, entityId, action)
            .query(String.class)
            .single();
    try {
      return JSON.readTree(details);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected int auditCount(String entityId, String action) {
    return jdbc.sql("select count(*) from flowgate.audit_log where entity_id = ? and action = ?")
        .params(entityId, action)
        .query(Integer.class)
        .single();
  }

  protected static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.path(field).asText()));
    return values;
  }
}
