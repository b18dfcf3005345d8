package io.flowgate.engine.audit;

/**
 * A read of the audit log: what to match, what the caller may see, where to continue and in which
 * direction.
 *
 * @param afterSeq continue after this entry in the chosen order (below it when newest first), or
 *     null to start at the beginning
 */
record AuditQuery(AuditFilter filter, AuditScope scope, Long afterSeq, boolean newestFirst) {

  /** The same read, continued after the given entry. */
  AuditQuery after(long seq) {
    return new AuditQuery(filter, scope, seq, newestFirst);
  }
}
