package io.flowgate.engine.organization;

import java.time.Instant;

/**
 * An organization: a Camunda tenant of the same id, holding teams and users.
 *
 * @param approverGrantsNeedTwoAdmins whether a second organization admin must confirm each grant of
 *     approver rights before it takes effect
 */
public record Organization(
    String id, String name, Instant createdAt, boolean approverGrantsNeedTwoAdmins) {}
