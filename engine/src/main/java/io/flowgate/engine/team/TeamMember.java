package io.flowgate.engine.team;

import java.time.Instant;

/** A person in a team: their role, and whether they approve the team's promotions. */
public record TeamMember(
    String teamId, String username, TeamRole role, boolean approver, Instant since) {}
