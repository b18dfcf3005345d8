package io.flowgate.engine.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A device's own settings: env vars that override those of its group, and a Node-RED version the
 * device installs instead of the snapshot's (null: the snapshot's). Also the body of {@code PUT
 * /api/v1/devices/{id}/settings}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeviceSettings(
    @Size(max = 100, message = "at most 100 variables") List<@Valid @NotNull DeviceEnvVar> env,
    @Pattern(
            regexp = "[0-9A-Za-z.^~<>=| *x-]{1,64}",
            message = "must be a Node-RED version or npm version range such as 4.1.8 or ^4.1")
        String nodeRedVersion) {

  public DeviceSettings {
    env = env == null ? List.of() : List.copyOf(env);
  }
}
