package io.flowgate.engine.promotion;

import io.flowgate.engine.pipeline.Pipeline;
import io.flowgate.engine.pipeline.PipelineService;
import io.flowgate.engine.pipeline.PipelineStage;
import io.flowgate.engine.pipeline.StageAction;
import java.util.List;
import org.springframework.stereotype.Component;

/** What a promotion needs to know about its pipeline's stages, as they are now. */
@Component
class PromotionStages {

  /** The source stage's action and the instance it takes snapshots of. */
  record Source(StageAction action, String instanceId) {}

  private final PipelineService pipelines;

  PromotionStages(PipelineService pipelines) {
    this.pipelines = pipelines;
  }

  /** The device groups of the promotion's target stage, as the pipeline has them now. */
  List<String> targetDeviceGroups(Promotion promotion) {
    return pipelines
        .find(promotion.pipelineId())
        .stage(promotion.targetStageId())
        .map(PipelineStage::deviceGroups)
        .orElse(List.of());
  }

  Source source(Promotion promotion) {
    Pipeline pipeline = pipelines.find(promotion.pipelineId());
    PipelineStage stage =
        pipeline
            .stage(promotion.sourceStageId())
            .orElseThrow(
                () ->
                    new PromotionFailed(
                        PromotionFailed.Kind.NOT_PROMOTABLE,
                        "stage " + promotion.sourceStageName() + " was removed from the pipeline"));
    return new Source(
        stage.action(), stage.instances().isEmpty() ? null : stage.instances().get(0));
  }
}
