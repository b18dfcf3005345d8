package io.flowgate.engine.rollout;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/** {@code POST /api/v1/device-groups/{id}/rollouts}. */
public record RolloutRequest(
    @NotBlank(message = "is required: the snapshot to roll out") String snapshotId,
    @Min(value = 1, message = "must be at least 1 device") Integer canary,
    @NotEmpty(message = "must list the waves as percentages, e.g. [10, 50, 100]")
        @Size(max = 20, message = "at most 20 waves")
        List<Integer> waves,
    @Min(value = 0, message = "must be a percentage from 0 to 100")
        @Max(value = 100, message = "must be a percentage from 0 to 100")
        Integer successThreshold,
    @Min(value = 0, message = "must be a percentage from 0 to 100")
        @Max(value = 100, message = "must be a percentage from 0 to 100")
        Integer errorThreshold,
    @Min(value = 1, message = "must be at least 1") Integer minFinished,
    String waveTimeout,
    String waitBetweenWaves,
    Boolean manualGate,
    Boolean autoRollback,
    @Size(max = 2000, message = "at most 2000 characters") String callbackUrl) {}
