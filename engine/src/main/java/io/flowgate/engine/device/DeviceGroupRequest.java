package io.flowgate.engine.device;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** The body of creating and replacing a device group: its name, members and env. */
public record DeviceGroupRequest(
    @NotNull(message = "is required") @Size(max = 100, message = "at most 100 characters")
        String name,
    @Size(max = 20000, message = "at most 20000 devices") List<@NotNull String> deviceIds,
    @Size(max = 100, message = "at most 100 variables") List<@Valid @NotNull DeviceEnvVar> env) {}
