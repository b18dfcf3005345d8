package io.flowgate.engine.audit;

import java.util.Map;
import java.util.Objects;

/**
 * Who did what to which entity. {@code details} must never hold a secret (tokens, passwords,
 * credential secrets): the log is shown to auditors and exported.
 *
 * @param actor user name, {@code token:<id>} or {@code system}
 * @param action what happened, e.g. {@code team.created}
 * @param entityType e.g. {@code team}
 * @param entityId the entity's id, or null
 * @param organizationId the organization it belongs to, or null for platform-wide events
 * @param teamId the team it belongs to, or null
 * @param details further facts, serialised as canonical JSON
 */
public record AuditEvent(
    String actor,
    String action,
    String entityType,
    String entityId,
    String organizationId,
    String teamId,
    Map<String, Object> details) {

  public AuditEvent {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(entityType, "entityType");
    details = details == null ? Map.of() : details;
  }
}
