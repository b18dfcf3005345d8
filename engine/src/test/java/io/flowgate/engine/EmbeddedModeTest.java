package io.flowgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.testing.RequiresDocker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Flowgate on its embedded defaults: real PostgreSQL, real S3 server, the host's runtime. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedModeTest {

  private static final String ADMIN_PASSWORD = "embedded-mode-test-password";

  @DynamicPropertySource
  static void dataFolder(DynamicPropertyRegistry registry) throws IOException {
    Path data = Files.createTempDirectory("flowgate-embedded-");
    registry.add("flowgate.data", data::toString);
    registry.add("flowgate.admin.password", () -> ADMIN_PASSWORD);
  }

  @Autowired TestRestTemplate http;
  @Autowired ProcessEngine processEngine;
  @Autowired IdentityService identityService;
  @Autowired ObjectStore objectStore;
  @Autowired InstanceRuntime instanceRuntime;
  @Autowired JdbcClient jdbc;

  private TestRestTemplate admin() {
    return http.withBasicAuth("admin", ADMIN_PASSWORD);
  }

  @Test
  void healthAnswersEveryoneWithStatusAndComponentsButDetailsOnlyAfterLogin() {
    ResponseEntity<JsonNode> anonymous = http.getForEntity("/actuator/health", JsonNode.class);
    assertThat(anonymous.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(anonymous.getBody().path("status").asText()).isEqualTo("UP");
    JsonNode components = anonymous.getBody().path("components");
    assertThat(components.path("db").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("objectStore").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("containerRuntime").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("objectStore").has("details")).isFalse();

    JsonNode authenticated = admin().getForObject("/actuator/health", JsonNode.class);
    assertThat(authenticated.at("/components/db/details/database").asText())
        .isEqualTo("PostgreSQL");
    assertThat(authenticated.at("/components/objectStore/details/bucket").asText())
        .isEqualTo("flowgate");
  }

  @Test
  void engineRestNeedsAFlowgateUser() {
    ResponseEntity<JsonNode> engines = admin().getForEntity("/engine-rest/engine", JsonNode.class);
    assertThat(engines.getStatusCode()).isEqualTo(HttpStatus.OK);
    // other test contexts of the same JVM register their engines too
    assertThat(engines.getBody().findValuesAsText("name")).contains(processEngine.getName());

    assertThat(http.getForEntity("/engine-rest/engine", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    assertThat(
            http.withBasicAuth("nobody", ADMIN_PASSWORD)
                .getForEntity("/engine-rest/process-definition", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
    // a wrong password: refused, and (SignInThrottleTest) nothing locked
    assertThat(
            http.withBasicAuth("admin", "wrong")
                .getForEntity("/engine-rest/engine", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void tasklistAndCockpitAreServed() {
    for (String app : new String[] {"tasklist", "cockpit", "admin"}) {
      ResponseEntity<String> page = http.getForEntity("/camunda/app/" + app + "/", String.class);
      assertThat(page.getStatusCode()).as(app).isEqualTo(HttpStatus.OK);
      assertThat(page.getBody()).as(app).contains("<html");
    }
  }

  @Test
  void flowgateApiNeedsAUser() {
    assertThat(http.getForEntity("/api/v1/instances", String.class).getStatusCode())
        .isEqualTo(HttpStatus.UNAUTHORIZED);
  }

  @Test
  void administratorIsACamundaAdminWithAuthorizationChecksOn() {
    assertThat(processEngine.getProcessEngineConfiguration().isAuthorizationEnabled()).isTrue();
    assertThat(identityService.checkPassword("admin", ADMIN_PASSWORD)).isTrue();
    assertThat(
            identityService
                .createUserQuery()
                .memberOfGroup(Groups.CAMUNDA_ADMIN)
                .userId("admin")
                .count())
        .isOne();
  }

  @Test
  void flowgateSchemaIsMigratedBesideCamundasTables() {
    assertThat(
            jdbc.sql("select count(*) from flowgate.flyway_schema_history where success")
                .query(Integer.class)
                .single())
        .isPositive();
    assertThat(
            jdbc.sql(
                    "select count(*) from information_schema.tables where table_name = 'act_ru_task'")
                .query(Integer.class)
                .single())
        .isOne();
    JsonNode info = http.getForObject("/actuator/info", JsonNode.class);
    assertThat(info.at("/installation/id").asText()).hasSize(36);
  }

  @Test
  void embeddedObjectStoreKeepsObjects() throws IOException {
    objectStore.put("smoke/hello.txt", "hello".getBytes(StandardCharsets.UTF_8), "text/plain");
    try (InputStream in = objectStore.get("smoke/hello.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    objectStore.delete("smoke/hello.txt");
    assertThat(objectStore.stat("smoke/hello.txt")).isEmpty();
  }

  @Test
  @RequiresDocker
  void dockerIsTheRuntimeWhenItsDaemonAnswers() {
    assertThat(instanceRuntime.kind()).isEqualTo("docker");
  }
}
