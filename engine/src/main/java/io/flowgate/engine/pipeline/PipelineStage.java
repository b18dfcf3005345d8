package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One stage of a pipeline.
 *
 * @param position 0 for the first stage; the stages of a pipeline are numbered without gaps
 * @param instances the ids of the instances the stage deploys to (in id order)
 * @param action which snapshot the stage passes on to the next stage
 * @param isProtected whether promotions into the stage need the stricter approval policy
 * @param approverGroup the Camunda group whose members approve promotions into the stage: the one
 *     the stage names, or else its team's approvers group ({@code team-<teamId>-approvers})
 * @param deviceGroups the ids of the device groups a promotion into the stage rolls out to
 */
public record PipelineStage(
    String id,
    String name,
    int position,
    List<String> instances,
    StageAction action,
    @JsonProperty("protected") boolean isProtected,
    String approverGroup,
    List<String> deviceGroups) {

  public PipelineStage {
    instances = List.copyOf(instances);
    deviceGroups = List.copyOf(deviceGroups);
  }

  /** Whether a promotion into the stage has anything to deploy to. */
  public boolean hasTargets() {
    return !instances.isEmpty() || !deviceGroups.isEmpty();
  }
}
