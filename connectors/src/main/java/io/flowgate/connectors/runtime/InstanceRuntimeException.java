package io.flowgate.connectors.runtime;

/** A runtime operation failed; subclasses say why when the caller can act on it. */
public class InstanceRuntimeException extends RuntimeException {

  public InstanceRuntimeException(String message) {
    super(message);
  }

  public InstanceRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
