package io.flowgate.engine.user;

import io.flowgate.engine.organization.OrganizationRole;

/** A person: a Camunda user (one login everywhere) in one organization. {@code id} is the name. */
public record UserAccount(
    String id,
    String username,
    String email,
    String firstName,
    String lastName,
    String organizationId,
    OrganizationRole role) {}
