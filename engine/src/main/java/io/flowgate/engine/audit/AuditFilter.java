package io.flowgate.engine.audit;

import java.time.Instant;

/**
 * Which entries to read. Every field is optional; the ones given must all match.
 *
 * @param action an exact action, or a prefix when {@code actionIsPrefix}
 * @param from inclusive
 * @param to exclusive
 */
record AuditFilter(
    String team,
    String organization,
    String entityType,
    String entityId,
    String actor,
    String action,
    boolean actionIsPrefix,
    Instant from,
    Instant to) {

  static final AuditFilter NONE =
      new AuditFilter(null, null, null, null, null, null, false, null, null);
}
