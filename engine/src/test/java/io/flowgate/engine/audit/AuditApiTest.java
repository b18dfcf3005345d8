package io.flowgate.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.camunda.bpm.engine.authorization.Groups;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** GET /api/v1/audit: filters, paging, order, answers to wrong input and who may call it. */
class AuditApiTest extends AuditTestSupport {

  private final List<Long> seqs = new ArrayList<>();

  /** Ten entries across two organizations, three teams, several actors and actions. */
  @BeforeEach
  void recordEntries() {
    seqs.add(record("admin", "team.created", "team", "t1", "o1", "t1", Map.of("name", "Line 1")));
    seqs.add(record("admin", "team.renamed", "team", "t1", "o1", "t1", Map.of("name", "Line A")));
    seqs.add(record("alice", "team.member.added", "team", "t1", "o1", "t1", Map.of("user", "bob")));
    seqs.add(record("bob", "instance.created", "instance", "i1", "o1", "t1", Map.of()));
    seqs.add(record("alice", "team.created", "team", "t2", "o2", "t2", Map.of()));
    seqs.add(record("system", "platform.started", "installation", null, null, null, Map.of()));
    seqs.add(record("token:abc", "instance.deleted", "instance", "i1", "o1", "t1", Map.of()));
    // for the prefix filter: "_" must be taken literally, and "teams." is not "team."
    seqs.add(record("alice", "team_import.done", "team", "t3", "o2", "t3", Map.of()));
    seqs.add(record("alice", "teamXimport.done", "team", "t3", "o2", "t3", Map.of()));
    seqs.add(record("alice", "teams.listed", "team", null, "o2", null, Map.of()));
  }

  @Test
  void listsNewestFirstWithEveryField() {
    JsonNode page = getJson("/api/v1/audit");
    assertThat(seqsOf(page)).containsExactlyElementsOf(reversed(seqs));
    assertThat(page.has("nextAfterSeq")).isTrue();
    assertThat(page.get("nextAfterSeq").isNull()).isTrue();

    JsonNode third = page.get("items").get(seqs.size() - 3);
    assertThat(third.get("seq").asLong()).isEqualTo(seqs.get(2));
    assertThat(Instant.parse(third.get("occurredAt").asText())).isBefore(Instant.now());
    assertThat(third.get("actor").asText()).isEqualTo("alice");
    assertThat(third.get("action").asText()).isEqualTo("team.member.added");
    assertThat(third.get("entityType").asText()).isEqualTo("team");
    assertThat(third.get("entityId").asText()).isEqualTo("t1");
    assertThat(third.get("organizationId").asText()).isEqualTo("o1");
    assertThat(third.get("teamId").asText()).isEqualTo("t1");
    assertThat(third.get("details").isObject()).isTrue();
    assertThat(third.get("details").get("user").asText()).isEqualTo("bob");
    assertThat(third.get("hash").asText()).matches("[0-9a-f]{64}");
    JsonNode second = page.get("items").get(seqs.size() - 2);
    assertThat(third.get("previousHash").asText()).isEqualTo(second.get("hash").asText());
    assertThat(page.get("items").get(seqs.size() - 1).get("previousHash").asText())
        .isEqualTo(AuditLog.GENESIS);

    // platform-wide entry: the ids are there, as null
    JsonNode platform = page.get("items").get(seqs.size() - 6);
    assertThat(platform.get("action").asText()).isEqualTo("platform.started");
    for (String field : List.of("entityId", "organizationId", "teamId")) {
      assertThat(platform.has(field)).as(field).isTrue();
      assertThat(platform.get(field).isNull()).as(field).isTrue();
    }
  }

  @Test
  void filtersByEachField() {
    assertThat(seqsOf(getJson("/api/v1/audit?team=t1&order=asc")))
        .containsExactly(seqs.get(0), seqs.get(1), seqs.get(2), seqs.get(3), seqs.get(6));
    assertThat(seqsOf(getJson("/api/v1/audit?organization=o2&order=asc")))
        .containsExactly(seqs.get(4), seqs.get(7), seqs.get(8), seqs.get(9));
    assertThat(seqsOf(getJson("/api/v1/audit?entityType=instance&order=asc")))
        .containsExactly(seqs.get(3), seqs.get(6));
    assertThat(seqsOf(getJson("/api/v1/audit?entityType=team&entityId=t1&order=asc")))
        .containsExactly(seqs.get(0), seqs.get(1), seqs.get(2));
    assertThat(seqsOf(getJson("/api/v1/audit?actor=alice&order=asc")))
        .containsExactly(seqs.get(2), seqs.get(4), seqs.get(7), seqs.get(8), seqs.get(9));
    assertThat(seqsOf(getJson("/api/v1/audit?actor={actor}", "token:abc")))
        .containsExactly(seqs.get(6));
    // filters combine
    assertThat(seqsOf(getJson("/api/v1/audit?actor=alice&organization=o1")))
        .containsExactly(seqs.get(2));
    assertThat(seqsOf(getJson("/api/v1/audit?team=nobody"))).isEmpty();
    // blank counts as not given
    assertThat(seqsOf(getJson("/api/v1/audit?team=&actor=")).size()).isEqualTo(seqs.size());
  }

  @Test
  void filtersByExactActionOrPrefix() {
    assertThat(seqsOf(getJson("/api/v1/audit?action=team.created&order=asc")))
        .containsExactly(seqs.get(0), seqs.get(4));
    assertThat(seqsOf(getJson("/api/v1/audit?action=team.*&order=asc")))
        .containsExactly(seqs.get(0), seqs.get(1), seqs.get(2), seqs.get(4));
    assertThat(seqsOf(getJson("/api/v1/audit?action=team_*&order=asc")))
        .containsExactly(seqs.get(7));
    assertThat(seqsOf(getJson("/api/v1/audit?action=instance*&order=asc")))
        .containsExactly(seqs.get(3), seqs.get(6));
    // without the star it is exact
    assertThat(seqsOf(getJson("/api/v1/audit?action=team."))).isEmpty();
  }

  @Test
  void filtersByTime() {
    JsonNode all = getJson("/api/v1/audit?order=asc").get("items");
    Instant from = Instant.parse(all.get(3).get("occurredAt").asText());
    Instant to = Instant.parse(all.get(7).get("occurredAt").asText());
    List<Long> expected = new ArrayList<>();
    for (JsonNode item : all) {
      Instant at = Instant.parse(item.get("occurredAt").asText());
      if (!at.isBefore(from) && at.isBefore(to)) {
        expected.add(item.get("seq").asLong());
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(seqsOf(getJson("/api/v1/audit?order=asc&from={f}&to={t}", from, to)))
        .containsExactlyElementsOf(expected);
    assertThat(seqsOf(getJson("/api/v1/audit?from={f}", Instant.now().plusSeconds(60)))).isEmpty();
    // a date is that day's midnight in UTC
    assertThat(seqsOf(getJson("/api/v1/audit?from=2000-01-01&to=2000-01-02"))).isEmpty();
    assertThat(seqsOf(getJson("/api/v1/audit?from=2000-01-01")).size()).isEqualTo(seqs.size());
    // an offset other than Z, sent with + encoded
    // (a URI, not a template: a template would encode the % again)
    ResponseEntity<JsonNode> offset =
        admin()
            .getForEntity(
                URI.create("/api/v1/audit?from=2000-01-01T01:00:00%2B01:00"), JsonNode.class);
    assertThat(offset.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(seqsOf(offset.getBody()).size()).isEqualTo(seqs.size());
  }

  @Test
  void pagesWithAfterSeqInBothOrders() {
    JsonNode first = getJson("/api/v1/audit?limit=4");
    assertThat(seqsOf(first)).containsExactlyElementsOf(reversed(seqs).subList(0, 4));
    assertThat(first.get("nextAfterSeq").asLong()).isEqualTo(seqs.get(6));
    JsonNode second = getJson("/api/v1/audit?limit=4&afterSeq=" + first.get("nextAfterSeq"));
    assertThat(seqsOf(second)).containsExactlyElementsOf(reversed(seqs).subList(4, 8));
    JsonNode last = getJson("/api/v1/audit?limit=4&afterSeq=" + second.get("nextAfterSeq"));
    assertThat(seqsOf(last)).containsExactlyElementsOf(reversed(seqs).subList(8, 10));
    assertThat(last.get("nextAfterSeq").isNull()).isTrue();

    JsonNode ascending = getJson("/api/v1/audit?order=asc&limit=5");
    assertThat(seqsOf(ascending)).containsExactlyElementsOf(seqs.subList(0, 5));
    JsonNode rest =
        getJson("/api/v1/audit?order=ASC&limit=5&afterSeq=" + ascending.get("nextAfterSeq"));
    assertThat(seqsOf(rest)).containsExactlyElementsOf(seqs.subList(5, 10));
    // exactly full: the last page says so, no empty page after it
    assertThat(rest.get("nextAfterSeq").isNull()).isTrue();

    // paging within a filter
    JsonNode team = getJson("/api/v1/audit?team=t1&order=asc&limit=2");
    assertThat(seqsOf(team)).containsExactly(seqs.get(0), seqs.get(1));
    JsonNode teamNext =
        getJson("/api/v1/audit?team=t1&order=asc&limit=2&afterSeq=" + team.get("nextAfterSeq"));
    assertThat(seqsOf(teamNext)).containsExactly(seqs.get(2), seqs.get(3));
  }

  @Test
  void limitDefaultsTo100() {
    for (int i = 0; i < 95; i++) {
      record("admin", "bulk.recorded", "bulk", Integer.toString(i));
    }
    JsonNode page = getJson("/api/v1/audit");
    assertThat(page.get("items").size()).isEqualTo(100);
    assertThat(page.get("nextAfterSeq").isNull()).isFalse();
    assertThat(getJson("/api/v1/audit?limit=1000").get("items").size()).isEqualTo(105);
  }

  @Test
  void wrongParametersAnswer400ProblemsThatSayWhatToFix() {
    assertBadRequest("/api/v1/audit?limit=0", "limit", "from 1 to 1000");
    assertBadRequest("/api/v1/audit?limit=1001", "limit", "from 1 to 1000");
    assertBadRequest("/api/v1/audit?limit=ten", "limit", "from 1 to 1000");
    assertBadRequest("/api/v1/audit?afterSeq=-1", "afterSeq", "0 or more");
    assertBadRequest("/api/v1/audit?afterSeq=x", "afterSeq", "0 or more");
    assertBadRequest("/api/v1/audit?order=newest", "order", "asc");
    assertBadRequest("/api/v1/audit?from=yesterday", "from", "ISO-8601");
    assertBadRequest("/api/v1/audit?to=31.01.2025", "to", "ISO-8601");
    // an unencoded + arrives as a space: the answer says so
    assertBadRequest("/api/v1/audit?from=2025-01-01T00:00:00+01:00", "from", "%2B");
    assertBadRequest(
        "/api/v1/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "to", "later");
    assertBadRequest("/api/v1/audit?action=team.*.created", "action", "only at the end");
    assertBadRequest("/api/v1/audit/export?format=xml", "format", "jsonl or csv");
    assertBadRequest("/api/v1/audit/export?format=csv&from=soon", "from", "ISO-8601");

    // every wrong parameter is named at once
    JsonNode problem = assertBadRequest("/api/v1/audit?limit=0&order=up", "limit", "order");
    assertThat(problem.get("invalidParams").findValuesAsText("name"))
        .containsExactly("limit", "order");
  }

  @Test
  void anonymousCallersGet401() {
    for (String path : List.of("/api/v1/audit", "/api/v1/audit/export", "/api/v1/audit/verify")) {
      assertThat(http.getForEntity(path, String.class).getStatusCode())
          .as(path)
          .isEqualTo(HttpStatus.UNAUTHORIZED);
    }
  }

  @Test
  void usersWhoAreNoPlatformAdministratorGet403Problems() {
    for (String path :
        List.of("/api/v1/audit", "/api/v1/audit/export?format=csv", "/api/v1/audit/verify")) {
      ResponseEntity<JsonNode> response = viewer().getForEntity(path, JsonNode.class);
      assertThat(response.getStatusCode()).as(path).isEqualTo(HttpStatus.FORBIDDEN);
      assertThat(response.getHeaders().getContentType())
          .as(path)
          .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
      assertThat(response.getBody().get("status").asInt()).isEqualTo(403);
      assertThat(response.getBody().get("detail").asText()).contains("platform administrators");
    }
    // access is decided before parameters are looked at: no hints for those without access
    assertThat(viewer().getForEntity("/api/v1/audit?limit=0", String.class).getStatusCode())
        .isEqualTo(HttpStatus.FORBIDDEN);
  }

  @Test
  void platformAdministratorsAreCamundasAdminGroup() {
    assertThat(AuditAccess.PLATFORM_ADMINS).isEqualTo("GROUP_" + Groups.CAMUNDA_ADMIN);
  }

  @Test
  void openApiDocumentsTheEndpoints() {
    JsonNode paths = http.getForObject("/v3/api-docs", JsonNode.class).get("paths");
    JsonNode list = paths.get("/api/v1/audit").get("get");
    assertThat(list.get("summary").asText()).startsWith("List audit entries");
    assertThat(list.get("parameters").findValuesAsText("name"))
        .containsExactlyInAnyOrder(
            "team",
            "organization",
            "entityType",
            "entityId",
            "actor",
            "action",
            "from",
            "to",
            "afterSeq",
            "limit",
            "order");
    JsonNode export = paths.get("/api/v1/audit/export").get("get");
    assertThat(export.get("parameters").findValuesAsText("name")).contains("format", "team");
    assertThat(export.at("/responses/200/content").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("application/x-ndjson", "text/csv");
    assertThat(paths.get("/api/v1/audit/verify").get("get").get("summary").asText())
        .startsWith("Recompute the hash chain");
  }

  private JsonNode assertBadRequest(String url, String parameter, String hint) {
    ResponseEntity<JsonNode> response = admin().getForEntity(url, JsonNode.class);
    assertThat(response.getStatusCode()).as(url).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .as(url)
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    JsonNode problem = response.getBody();
    assertThat(problem.get("status").asInt()).isEqualTo(400);
    assertThat(problem.get("detail").asText()).as(url).contains(parameter).contains(hint);
    assertThat(problem.get("invalidParams").findValuesAsText("name")).contains(parameter);
    return problem;
  }

  private static List<Long> seqsOf(JsonNode page) {
    return StreamSupport.stream(page.get("items").spliterator(), false)
        .map(item -> item.get("seq").asLong())
        .toList();
  }

  private static List<Long> reversed(List<Long> values) {
    return values.reversed();
  }
}
