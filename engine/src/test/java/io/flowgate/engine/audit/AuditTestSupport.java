package io.flowgate.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the audit tests share, including their Spring context: every subclass inherits the same
 * configuration, so the application (and its embedded PostgreSQL) starts once for all of them. Each
 * test starts from an empty log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class AuditTestSupport {

  static final String ADMIN_PASSWORD = "audit-test-admin-password";
  static final String VIEWER = "auditviewer";
  static final String VIEWER_PASSWORD = "audit-viewer-password";

  @DynamicPropertySource
  static void dataFolder(DynamicPropertyRegistry registry) throws IOException {
    Path data = Files.createTempDirectory("flowgate-audit-");
    registry.add("flowgate.data", data::toString);
    registry.add("flowgate.admin.password", () -> ADMIN_PASSWORD);
  }

  @Autowired TestRestTemplate http;
  @Autowired JdbcClient jdbc;
  @Autowired AuditLog auditLog;
  @Autowired IdentityService identityService;
  @Autowired ObjectMapper json;

  @BeforeEach
  void emptyLogAndAUserWhoIsNoAdministrator() {
    withoutAppendOnlyTrigger(() -> jdbc.sql("truncate flowgate.audit_log").update());
    if (identityService.createUserQuery().userId(VIEWER).count() == 0) {
      User user = identityService.newUser(VIEWER);
      user.setPassword(VIEWER_PASSWORD);
      identityService.saveUser(user);
    }
  }

  TestRestTemplate admin() {
    return http.withBasicAuth("admin", ADMIN_PASSWORD);
  }

  TestRestTemplate viewer() {
    return http.withBasicAuth(VIEWER, VIEWER_PASSWORD);
  }

  /**
   * What someone with database access would do before editing the log. Turning the trigger back on
   * takes "enable always", as in the migration: a plain "enable" would let it sleep again under
   * session_replication_role = replica.
   */
  void withoutAppendOnlyTrigger(Runnable change) {
    assertThat(
            jdbc.sql("select tgenabled from pg_trigger where tgname = 'audit_log_append_only'")
                .query(String.class)
                .single())
        .as("the trigger fires always")
        .isEqualTo("A");
    jdbc.sql("alter table flowgate.audit_log disable trigger audit_log_append_only").update();
    try {
      change.run();
    } finally {
      jdbc.sql("alter table flowgate.audit_log enable always trigger audit_log_append_only")
          .update();
    }
  }

  long record(String actor, String action, String entityType, String entityId) {
    return record(actor, action, entityType, entityId, null, null, Map.of());
  }

  long record(
      String actor,
      String action,
      String entityType,
      String entityId,
      String organizationId,
      String teamId,
      Map<String, Object> details) {
    return auditLog.record(
        new AuditEvent(actor, action, entityType, entityId, organizationId, teamId, details));
  }

  /** GETs as the administrator and expects 200 with JSON. */
  JsonNode getJson(String url, Object... uriVariables) {
    ResponseEntity<JsonNode> response = admin().getForEntity(url, JsonNode.class, uriVariables);
    assertThat(response.getStatusCode()).as(url).isEqualTo(HttpStatus.OK);
    assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    return response.getBody();
  }

  JsonNode verify() {
    return getJson("/api/v1/audit/verify");
  }
}
