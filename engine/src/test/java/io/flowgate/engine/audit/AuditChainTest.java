package io.flowgate.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chain: verify on an intact log, what it reports after someone with database access edits or
 * deletes rows, the append-only trigger, and concurrent appends.
 */
class AuditChainTest extends AuditTestSupport {

  @Autowired TransactionTemplate transactions;

  private void recordSix() {
    for (int i = 1; i <= 6; i++) {
      record(
          "admin", "team.renamed", "team", i % 2 == 0 ? "t" + i : null, "o1", null, Map.of("n", i));
    }
  }

  @Test
  void anIntactChainIsValid() {
    JsonNode empty = verify();
    assertThat(empty.get("valid").asBoolean()).isTrue();
    assertThat(empty.get("checked").asLong()).isZero();
    assertThat(empty.get("firstBroken").isNull()).isTrue();
    assertThat(empty.get("head").isNull()).isTrue();

    recordSix();
    JsonNode result = verify();
    assertThat(result.get("valid").asBoolean()).isTrue();
    assertThat(result.get("checked").asLong()).isEqualTo(6);
    assertThat(result.has("firstBroken")).isTrue();
    assertThat(result.get("firstBroken").isNull()).isTrue();
    assertThat(result.get("head").get("seq").asLong()).isEqualTo(6);
    assertThat(result.get("head").get("hash").asText()).isEqualTo(storedHash(6));
  }

  @Test
  void editedDetailsAreReportedAtThatEntry() {
    recordSix();
    withoutAppendOnlyTrigger(
        () ->
            jdbc.sql("update flowgate.audit_log set details = '{\"n\":30}' where seq = 3")
                .update());
    assertBroken(3, "content changed");
  }

  @Test
  void everyColumnIsCovered() {
    // one edit per column, each on a fresh chain; seq itself is covered by the gap and link checks
    Map<String, String> edits =
        Map.of(
            "occurred_at", "occurred_at + interval '1 microsecond'",
            "actor", "'mallory'",
            "action", "'team.deleted'",
            "entity_type", "'instance'",
            "entity_id", "'null'", // the text "null" is not a missing id
            "organization_id", "'o2'",
            "team_id", "''",
            "hash", "repeat('a', 64)");
    for (Map.Entry<String, String> edit : edits.entrySet()) {
      emptyLogAndAUserWhoIsNoAdministrator();
      recordSix();
      withoutAppendOnlyTrigger(
          () ->
              jdbc.sql(
                      "update flowgate.audit_log set "
                          + edit.getKey()
                          + " = "
                          + edit.getValue()
                          + " where seq = 3")
                  .update());
      JsonNode broken = verify().get("firstBroken");
      assertThat(broken.get("seq").asLong()).as(edit.getKey()).isEqualTo(3);
      assertThat(broken.get("reason").asText()).as(edit.getKey()).isEqualTo("content changed");
    }
  }

  @Test
  void aLineBreakCannotMoveBetweenFields() {
    // the hash input has one field per line; a field's own line break must not shift the others
    record("ops", "team.renamed\nteam", "created", "t1", null, null, Map.of());
    withoutAppendOnlyTrigger(
        () ->
            jdbc.sql(
                    "update flowgate.audit_log set actor = 'ops' || chr(10) || 'team.renamed',"
                        + " action = 'team', entity_type = 'created' where seq = 1")
                .update());
    // both spellings differ, so must their hashes: the edit is found
    assertBroken(1, "content changed");
  }

  @Test
  void aDeletedEntryIsReportedAtTheOneAfterTheGap() {
    recordSix();
    withoutAppendOnlyTrigger(
        () -> jdbc.sql("delete from flowgate.audit_log where seq = 3").update());
    JsonNode broken = assertBroken(4, "entry missing before this one");
    assertThat(broken.get("detail").asText()).contains("entry 3 is missing");

    withoutAppendOnlyTrigger(
        () -> jdbc.sql("delete from flowgate.audit_log where seq = 1").update());
    assertBroken(2, "entry missing before this one");
  }

  @Test
  void aRehashedEditBreaksTheLinkToTheNextEntry() {
    recordSix();
    // the attacker edits entry 3 and gives it the hash its new content calls for
    AuditEntry third = stored(3);
    String forged = third.hashWith(third.previousHash(), "{\"n\":30}");
    withoutAppendOnlyTrigger(
        () ->
            jdbc.sql("update flowgate.audit_log set details = '{\"n\":30}', hash = ? where seq = 3")
                .param(forged)
                .update());
    JsonNode broken = assertBroken(4, "link broken");
    assertThat(broken.get("detail").asText()).contains("entry 3");
    assertThat(verify().get("head").get("seq").asLong()).isEqualTo(3);
  }

  @Test
  void aRelinkedEntryIsReportedWhereTheLinkBreaks() {
    recordSix();
    // entry 3 pointed at another predecessor, its own hash made to fit
    AuditEntry third = stored(3);
    String otherPrevious = "f".repeat(64);
    String forged = third.hashWith(otherPrevious, third.details());
    withoutAppendOnlyTrigger(
        () ->
            jdbc.sql("update flowgate.audit_log set previous_hash = ?, hash = ? where seq = 3")
                .params(otherPrevious, forged)
                .update());
    assertBroken(3, "link broken");
  }

  @Test
  void theDatabaseRefusesUpdateDeleteAndTruncate() {
    recordSix();
    String before = storedHash(3);
    for (String statement :
        List.of(
            "update flowgate.audit_log set actor = 'mallory' where seq = 3",
            "update flowgate.audit_log set actor = 'mallory' where seq = 999",
            "delete from flowgate.audit_log where seq = 3",
            "truncate flowgate.audit_log")) {
      assertThatThrownBy(() -> jdbc.sql(statement).update())
          .as(statement)
          .isInstanceOf(DataIntegrityViolationException.class)
          .rootCause()
          .hasMessageContaining("flowgate.audit_log is append-only");
    }
    // nor does the replication role that silences ordinary triggers
    transactions.executeWithoutResult(
        tx -> {
          jdbc.sql("set local session_replication_role = replica").update();
          assertThatThrownBy(
                  () -> jdbc.sql("delete from flowgate.audit_log where seq = 3").update())
              .isInstanceOf(DataIntegrityViolationException.class);
          tx.setRollbackOnly();
        });
    assertThat(storedHash(3)).isEqualTo(before);
    assertThat(jdbc.sql("select count(*) from flowgate.audit_log").query(Long.class).single())
        .isEqualTo(6);
    // appending still works
    assertThat(record("admin", "team.created", "team", "t9")).isEqualTo(7);
    assertThat(verify().get("valid").asBoolean()).isTrue();
  }

  @Test
  void anEntryRollsBackWithTheCallersTransaction() {
    record("admin", "team.created", "team", "t1");
    transactions.executeWithoutResult(
        tx -> {
          record("admin", "team.created", "team", "t2");
          tx.setRollbackOnly();
        });
    assertThat(record("admin", "team.created", "team", "t3")).isEqualTo(2);
    assertThat(verify().get("valid").asBoolean()).isTrue();
  }

  @Test
  void concurrentAppendsKeepOneUnbrokenChain() throws Exception {
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Long>>> results = new ArrayList<>();
    long started;
    try {
      for (int t = 0; t < threads; t++) {
        String actor = "worker-" + t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Long> seqs = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    seqs.add(
                        record(
                            actor,
                            "load.recorded",
                            "load",
                            Integer.toString(i),
                            null,
                            null,
                            Map.of("i", i)));
                  }
                  return seqs;
                }));
      }
      started = System.nanoTime();
      start.countDown();
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> result : results) {
        all.addAll(result.get());
      }
      System.out.printf(
          "audit: %d concurrent appends from %d threads in %d ms%n",
          all.size(), threads, (System.nanoTime() - started) / 1_000_000);
      assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
      assertThat(all).allMatch(seq -> seq >= 1 && seq <= threads * perThread);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            jdbc.sql(
                    "select count(*), min(seq), max(seq), count(distinct hash) from flowgate.audit_log")
                .query(
                    (rs, row) ->
                        List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .single())
        .containsExactly(400L, 1L, 400L, 400L);
    JsonNode result = verify();
    assertThat(result.get("valid").asBoolean()).isTrue();
    assertThat(result.get("checked").asLong()).isEqualTo(400);
  }

  private JsonNode assertBroken(long seq, String reason) {
    JsonNode result = verify();
    assertThat(result.get("valid").asBoolean()).isFalse();
    JsonNode broken = result.get("firstBroken");
    assertThat(broken.get("seq").asLong()).isEqualTo(seq);
    assertThat(broken.get("reason").asText()).isEqualTo(reason);
    assertThat(broken.get("detail").asText()).isNotBlank();
    return broken;
  }

  private String storedHash(long seq) {
    return jdbc.sql("select hash from flowgate.audit_log where seq = ?")
        .param(seq)
        .query(String.class)
        .single();
  }

  private AuditEntry stored(long seq) {
    return jdbc.sql("select * from flowgate.audit_log where seq = ?")
        .param(seq)
        .query(AuditReader::entry)
        .single();
  }
}
