package io.flowgate.engine.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A group of devices of one application; the unit a rollout targets. Its env goes into the settings
 * of each member, where the member's own env overrides it.
 *
 * @param deviceIds the members, sorted
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeviceGroup(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String name,
    List<DeviceEnvVar> env,
    List<String> deviceIds,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {}
