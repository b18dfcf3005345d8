package io.flowgate.engine.audit;

import java.time.Instant;

/**
 * One stored row of the audit log, exactly as the database holds it: {@code details} is the
 * canonical JSON text that was hashed, so the chain can be recomputed from it.
 */
record AuditEntry(
    long seq,
    Instant occurredAt,
    String actor,
    String action,
    String entityType,
    String entityId,
    String organizationId,
    String teamId,
    String details,
    String previousHash,
    String hash) {

  /** The hash these columns call for, to compare with the stored one. */
  String recomputedHash() {
    return hashWith(previousHash, details);
  }

  /** The hash of this entry had it another predecessor or other details. */
  String hashWith(String previousHash, String details) {
    AuditEvent event =
        new AuditEvent(actor, action, entityType, entityId, organizationId, teamId, null);
    return AuditLog.hash(previousHash, seq, occurredAt, event, details);
  }
}
