package io.flowgate.engine.rollout;

import java.util.Map;

/** What rollouts need from the process engine; implemented in {@code rollout.workflow}. */
public interface RolloutWorkflow {

  /** Starts device-rollout with the rollout id as business key; returns the process id. */
  String start(String rolloutId, Map<String, Object> variables);

  /**
   * Sends rollout-pause, rollout-resume or rollout-abort to the rollout's process.
   *
   * @return false when the process cannot take the message now (it is ending)
   */
  boolean signal(String processInstanceId, String message);
}
