package io.flowgate.engine.audit;

import java.util.List;

/**
 * Which part of the audit log a caller may read: all of it (platform administrators), or the
 * entries of some organizations. Platform-wide entries (no organization) belong to "all" only.
 */
record AuditScope(boolean everything, List<String> organizations) {

  AuditScope {
    organizations = List.copyOf(organizations);
    if (!everything && organizations.isEmpty()) {
      throw new IllegalArgumentException("a scope that shows nothing is a 403, not a scope");
    }
  }

  static AuditScope all() {
    return new AuditScope(true, List.of());
  }

  static AuditScope of(List<String> organizations) {
    return new AuditScope(false, organizations);
  }
}
