package io.flowgate.engine.organization;

/** A user's role in an organization. */
public record OrganizationMember(String organizationId, String username, OrganizationRole role) {}
