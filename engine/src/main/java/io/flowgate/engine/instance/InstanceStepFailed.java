package io.flowgate.engine.instance;

/**
 * A step of an instance process cannot succeed by retrying (the image is missing, Node-RED exits at
 * start): the process undoes its work and records this message as the reason.
 */
public class InstanceStepFailed extends RuntimeException {

  public InstanceStepFailed(String message) {
    super(message);
  }

  public InstanceStepFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
