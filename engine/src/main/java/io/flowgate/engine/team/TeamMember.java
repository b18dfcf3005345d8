package io.flowgate.engine.team;

import java.time.Instant;

/**
 * A person in a team: their role, and whether they approve the team's promotions.
 *
 * @param approverSince when the approver right took effect: promotions requested before it are not
 *     theirs to approve
 * @param approverGrantedBy who granted it
 * @param approverConfirmedBy the second organization admin who confirmed it, where the organization
 *     asks for one
 * @param approverRequestedBy who asked for a grant that waits for that confirmation
 */
public record TeamMember(
    String teamId,
    String username,
    TeamRole role,
    boolean approver,
    Instant since,
    Instant approverSince,
    String approverGrantedBy,
    String approverConfirmedBy,
    String approverRequestedBy,
    Instant approverRequestedAt) {}
