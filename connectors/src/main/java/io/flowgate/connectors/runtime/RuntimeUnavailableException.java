package io.flowgate.connectors.runtime;

/** The runtime does not answer at all (daemon down, socket missing, timeout). */
public class RuntimeUnavailableException extends InstanceRuntimeException {

  public RuntimeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
