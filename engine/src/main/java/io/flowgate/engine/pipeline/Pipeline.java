package io.flowgate.engine.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pipeline of an application: its stages in order, first to last. Snapshots are promoted from a
 * stage to the next one.
 */
public record Pipeline(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String name,
    List<PipelineStage> stages,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {

  public Pipeline {
    stages = List.copyOf(stages);
  }

  /** The stage with this id, if it is one of this pipeline's. */
  public Optional<PipelineStage> stage(String stageId) {
    return stages.stream().filter(stage -> stage.id().equals(stageId)).findFirst();
  }
}
