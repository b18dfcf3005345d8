package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST /api/v1/applications/{id}/pipelines} and {@code PUT
 * /api/v1/pipelines/{id}}: the pipeline's name and all its stages in order. On a PUT, a stage given
 * with its {@code id} keeps that id, stages without one are new, and stages left out are deleted.
 */
public record PipelineRequest(
    @NotBlank(message = "is required")
        @Size(max = PipelineService.MAX_NAME, message = "at most 100 characters")
        String name,
    @NotNull(message = "is required: list the stages in order, first to last")
        @Size(
            min = 1,
            max = PipelineService.MAX_STAGES,
            message = "must hold 1 to 20 stages, first to last")
        List<@Valid @NotNull(message = "must be a stage object") StageRequest> stages) {

  /**
   * One stage.
   *
   * @param id the id of an existing stage of the pipeline (PUT only), or null for a new stage
   * @param instances ids of instances of the pipeline's application; none when left out
   * @param isProtected false when left out
   * @param approverGroup the approvers group of a team of the organization ({@code
   *     team-<teamId>-approvers}); the pipeline's team's when left out
   * @param deviceGroups ids of device groups of the pipeline's application a promotion into the
   *     stage rolls out to; none when left out
   */
  public record StageRequest(
      @Size(max = 64, message = "at most 64 characters") String id,
      @NotBlank(message = "is required")
          @Size(max = PipelineService.MAX_NAME, message = "at most 100 characters")
          String name,
      @Size(max = PipelineService.MAX_STAGE_INSTANCES, message = "at most 100 instances per stage")
          List<@NotNull(message = "must be an instance id") String> instances,
      @NotNull(message = "is required: create_snapshot, use_latest or prompt") StageAction action,
      @JsonProperty("protected") Boolean isProtected,
      @Size(max = 200, message = "at most 200 characters") String approverGroup,
      @Size(max = 20, message = "at most 20 device groups per stage")
          List<@NotNull(message = "must be a device group id") String> deviceGroups) {}
}
