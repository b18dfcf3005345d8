package io.flowgate.engine.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends to the hash-chained audit log. An entry joins the caller's transaction, so it commits (or
 * rolls back) with the change it describes; appends are serialised by a transaction-scoped advisory
 * lock so the chain has exactly one head.
 */
@Service
public class AuditLog {

  /** The previous hash of the first entry. */
  public static final String GENESIS = "0".repeat(64);

  private static final long APPEND_LOCK = 0x466c6f7767617465L; // "Flowgate"

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .findAndAddModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private final JdbcClient jdbc;
  private final Clock clock;

  AuditLog(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Appends the event and returns its sequence number. */
  @Transactional(propagation = Propagation.REQUIRED)
  public long record(AuditEvent event) {
    jdbc.sql("select pg_advisory_xact_lock(?)").param(APPEND_LOCK).query().singleRow();
    Optional<Head> head =
        jdbc.sql("select seq, hash from flowgate.audit_log order by seq desc limit 1")
            .query((rs, row) -> new Head(rs.getLong("seq"), rs.getString("hash")))
            .optional();
    long seq = head.map(h -> h.seq() + 1).orElse(1L);
    String previousHash = head.map(Head::hash).orElse(GENESIS);
    Instant at = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    String details = canonicalJson(event.details());
    String hash = hash(previousHash, seq, at, event, details);
    jdbc.sql(
            """
            insert into flowgate.audit_log (seq, occurred_at, actor, action, entity_type,
              entity_id, organization_id, team_id, details, previous_hash, hash)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
        .params(
            seq,
            Timestamp.from(at),
            event.actor(),
            event.action(),
            event.entityType(),
            event.entityId(),
            event.organizationId(),
            event.teamId(),
            details,
            previousHash,
            hash)
        .update();
    return seq;
  }

  /**
   * The hash of one entry: SHA-256 over the previous hash and every column, one per line. Text
   * fields are written as JSON strings (quoted and escaped) and a missing one as {@code null}, so
   * no two different entries produce the same input: a field cannot smuggle a line break into the
   * next one, and a null id differs from the text "null".
   */
  static String hash(
      String previousHash, long seq, Instant at, AuditEvent event, String canonicalDetails) {
    String content =
        String.join(
            "\n",
            text(previousHash),
            Long.toString(seq),
            text(at.toString()),
            text(event.actor()),
            text(event.action()),
            text(event.entityType()),
            text(event.entityId()),
            text(event.organizationId()),
            text(event.teamId()),
            text(canonicalDetails));
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A field as a JSON string literal, or {@code null}. */
  private static String text(String value) {
    return canonicalJson(value);
  }

  static String canonicalJson(Object details) {
    try {
      return CANONICAL.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details must be plain JSON values", e);
    }
  }

  private record Head(long seq, String hash) {}
}
