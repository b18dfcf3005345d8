package io.flowgate.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Instant;

/**
 * An audit entry as the API shows it (list items and JSON Lines export). Null ids are written as
 * {@code null} rather than left out, so every item has the same fields.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AuditEntryJson(
    long seq,
    Instant occurredAt,
    String actor,
    String action,
    String entityType,
    String entityId,
    String organizationId,
    String teamId,
    JsonNode details,
    String previousHash,
    String hash) {

  static AuditEntryJson of(AuditEntry entry, ObjectMapper json) {
    return new AuditEntryJson(
        entry.seq(),
        entry.occurredAt(),
        entry.actor(),
        entry.action(),
        entry.entityType(),
        entry.entityId(),
        entry.organizationId(),
        entry.teamId(),
        details(entry.details(), json),
        entry.previousHash(),
        entry.hash());
  }

  /**
   * Parsed rather than passed through raw: a row edited in the database to hold something that is
   * not JSON must not break (or inject into) the response. Such a row is shown as a string; verify
   * reports it.
   */
  private static JsonNode details(String stored, ObjectMapper json) {
    try {
      JsonNode parsed = json.readTree(stored);
      return parsed == null || parsed.isMissingNode() ? TextNode.valueOf(stored) : parsed;
    } catch (JsonProcessingException e) {
      return TextNode.valueOf(stored);
    }
  }
}
