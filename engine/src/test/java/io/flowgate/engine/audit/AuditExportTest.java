package io.flowgate.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;

/** GET /api/v1/audit/export: both formats parse back to what the list shows. */
class AuditExportTest extends AuditTestSupport {

  private static final String NASTY_ID = "id, with \"quotes\"\r\nand a line break";

  @Autowired TransactionTemplate transactions;

  private void recordEntriesWithAwkwardText() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("note", "a, \"quoted\" value; and a \\ backslash");
    details.put("lines", "first\nsecond\r\nthird");
    details.put("count", 42);
    details.put("nested", Map.of("b", true, "a", List.of(1, 2)));
    details.put("unicode", "Grüße ✓");
    record("admin", "team.created", "team", "t1", "o1", "t1", details);
    record("alice", "instance.created", "instance", NASTY_ID, "o1", "t1", Map.of("x", ","));
    record("system", "platform.started", "installation", null, null, null, Map.of());
    record("bob", "team.created", "team", "t2", "o2", "t2", Map.of("quote", "\""));
  }

  @Test
  void jsonLinesHoldTheListItems() {
    recordEntriesWithAwkwardText();
    ResponseEntity<byte[]> response = admin().getForEntity(exportUrl("jsonl"), byte[].class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_NDJSON);
    ContentDisposition disposition = response.getHeaders().getContentDisposition();
    assertThat(disposition.isAttachment()).isTrue();
    assertThat(disposition.getFilename()).matches("flowgate-audit-\\d{8}T\\d{6}Z\\.jsonl");

    List<JsonNode> lines = jsonLines(response.getBody());
    JsonNode items = getJson("/api/v1/audit?order=asc").get("items");
    assertThat(lines).hasSize(4);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo(items.get(i));
    }
    assertThat(lines.get(0).get("details").get("lines").asText())
        .isEqualTo("first\nsecond\r\nthird");
    assertThat(lines.get(1).get("entityId").asText()).isEqualTo(NASTY_ID);
    assertThat(lines.get(2).get("teamId").isNull()).isTrue();
  }

  @Test
  void csvIsRfc4180AndEnoughToRecomputeEveryHash() throws Exception {
    recordEntriesWithAwkwardText();
    ResponseEntity<byte[]> response =
        admin().getForEntity("/api/v1/audit/export?format=csv", byte[].class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    MediaType type = response.getHeaders().getContentType();
    assertThat(type.isCompatibleWith(MediaType.parseMediaType("text/csv"))).isTrue();
    assertThat(type.getCharset()).isEqualTo(StandardCharsets.UTF_8);
    assertThat(type.getParameter("header")).isEqualTo("present");
    assertThat(response.getHeaders().getContentDisposition().getFilename()).endsWith(".csv");

    String text = new String(response.getBody(), StandardCharsets.UTF_8);
    List<List<String>> rows = Rfc4180.parse(text);
    assertThat(rows.get(0))
        .containsExactly(
            "seq",
            "occurredAt",
            "actor",
            "action",
            "entityType",
            "entityId",
            "organizationId",
            "teamId",
            "details",
            "previousHash",
            "hash");
    List<List<String>> records = rows.subList(1, rows.size());
    JsonNode items = getJson("/api/v1/audit?order=asc").get("items");
    assertThat(records).hasSize(items.size()).hasSize(4);
    for (int i = 0; i < records.size(); i++) {
      List<String> row = records.get(i);
      JsonNode item = items.get(i);
      List<String> fields = rows.get(0);
      for (int f = 0; f < fields.size(); f++) {
        JsonNode value = item.get(fields.get(f));
        if (fields.get(f).equals("details")) {
          // the details column is JSON text: the same object as in the list
          assertThat(json.readTree(row.get(f))).isEqualTo(value);
        } else {
          assertThat(row.get(f)).as(fields.get(f)).isEqualTo(value.isNull() ? "" : value.asText());
        }
      }
      // an auditor can check the chain from the file alone
      AuditEvent event =
          new AuditEvent(
              row.get(2),
              row.get(3),
              row.get(4),
              orNull(row.get(5)),
              orNull(row.get(6)),
              orNull(row.get(7)),
              null);
      String hash =
          AuditLog.hash(
              row.get(9), Long.parseLong(row.get(0)), Instant.parse(row.get(1)), event, row.get(8));
      assertThat(hash).isEqualTo(row.get(10));
    }
    // the awkward fields really needed quoting
    assertThat(text).contains("\"" + NASTY_ID.replace("\"", "\"\"") + "\"");
    assertThat(records.get(1).get(5)).isEqualTo(NASTY_ID);
    assertThat(records.get(0).get(8)).contains("\\\"quoted\\\"").contains("\\n");
  }

  @Test
  void exportAppliesTheFiltersAndOrder() {
    recordEntriesWithAwkwardText();
    List<List<String>> rows =
        Rfc4180.parse(
            admin()
                .getForObject("/api/v1/audit/export?format=csv&team=t1&order=desc", String.class));
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).get(0)).isEqualTo("2");
    assertThat(rows.get(2).get(0)).isEqualTo("1");

    List<JsonNode> created =
        jsonLines(admin().getForObject("/api/v1/audit/export?action=team.*", byte[].class));
    assertThat(created).extracting(line -> line.get("seq").asLong()).containsExactly(1L, 4L);
    List<JsonNode> later =
        jsonLines(admin().getForObject("/api/v1/audit/export?afterSeq=2", byte[].class));
    assertThat(later).extracting(line -> line.get("seq").asLong()).containsExactly(3L, 4L);
    assertThat(jsonLines(admin().getForObject("/api/v1/audit/export?actor=nobody", byte[].class)))
        .isEmpty();
  }

  @Test
  void longLogsStreamAcrossPagesAndVerifyAcrossPages() {
    int count = ChainVerifier.PAGE_SIZE + AuditExport.PAGE_SIZE / 2 + 17; // 1,267
    transactions.executeWithoutResult(
        tx -> {
          for (int i = 0; i < count; i++) {
            record("admin", "bulk.recorded", "bulk", Integer.toString(i), "o1", null, Map.of());
          }
        });

    long started = System.nanoTime();
    List<JsonNode> lines = jsonLines(admin().getForObject("/api/v1/audit/export", byte[].class));
    long exportMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(lines)
        .extracting(line -> line.get("seq").asLong())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    List<List<String>> rows =
        Rfc4180.parse(
            admin().getForObject("/api/v1/audit/export?format=csv&order=desc", String.class));
    assertThat(rows).hasSize(count + 1);
    assertThat(rows.get(1).get(0)).isEqualTo(Integer.toString(count));
    assertThat(rows.get(count).get(0)).isEqualTo("1");

    started = System.nanoTime();
    JsonNode verification = verify();
    long verifyMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(verification.get("valid").asBoolean()).isTrue();
    assertThat(verification.get("checked").asLong()).isEqualTo(count);
    System.out.printf(
        "audit: %d entries exported (jsonl) in %d ms, verified in %d ms%n",
        count, exportMillis, verifyMillis);
  }

  private String exportUrl(String format) {
    return "/api/v1/audit/export?format=" + format;
  }

  private List<JsonNode> jsonLines(byte[] body) {
    List<JsonNode> lines = new ArrayList<>();
    if (body == null) {
      return lines;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    for (String line : text.split("\n")) {
      try {
        lines.add(json.readTree(line));
      } catch (Exception e) {
        throw new AssertionError("not one JSON value per line: " + line, e);
      }
    }
    return lines;
  }

  private static String orNull(String csvField) {
    return csvField.isEmpty() ? null : csvField;
  }
}
