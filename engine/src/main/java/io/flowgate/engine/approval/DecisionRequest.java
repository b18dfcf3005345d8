package io.flowgate.engine.approval;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST .../approvals} for promotions and pipeline changes. */
public record DecisionRequest(
    @NotNull(message = "is required: approve or reject")
        @Pattern(regexp = "approve|reject", message = "must be approve or reject")
        String decision,
    @Size(max = 2000, message = "at most 2000 characters") String comment) {}
