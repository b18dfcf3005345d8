package io.flowgate.engine.promotion;

/**
 * A decision on a promotion that the four-eyes rules do not allow. Thrown inside the engine's
 * command (the task listener), it rolls the completion back on every route: Tasklist, {@code
 * /engine-rest} and Flowgate's own API.
 */
public class ApprovalRefused extends RuntimeException {

  public ApprovalRefused(String message) {
    super(message, null, false, false);
  }
}
