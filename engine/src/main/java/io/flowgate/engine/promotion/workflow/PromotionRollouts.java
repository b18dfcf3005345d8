package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.rollout.RolloutService;
import java.util.List;

/**
 * The rollouts of a promotion, for the model's multi-instance call of device-rollout: evaluated
 * when the call starts, so the list of rollouts never becomes a process variable.
 */
public class PromotionRollouts {

  private final RolloutService rollouts;

  PromotionRollouts(RolloutService rollouts) {
    this.rollouts = rollouts;
  }

  public List<String> ids(String promotionId) {
    return rollouts.idsOfPromotion(promotionId);
  }
}
