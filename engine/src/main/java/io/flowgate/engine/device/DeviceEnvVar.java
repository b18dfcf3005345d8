package io.flowgate.engine.device;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** An env var of a device group or a device, as the agent gets it in its settings. */
public record DeviceEnvVar(
    @NotNull(message = "is required")
        @Pattern(
            regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}",
            message = "must be a letter or _ followed by letters, digits or _")
        String name,
    @NotNull(message = "is required") @Size(max = 32768, message = "at most 32768 characters")
        String value) {}
