package io.flowgate.engine.approval;

/**
 * A decision the four-eyes rules do not allow. Thrown inside the engine's command (the task
 * listener), it rolls the completion back on every route.
 */
public class DecisionRefused extends RuntimeException {

  public DecisionRefused(String message) {
    super(message, null, false, false);
  }
}
