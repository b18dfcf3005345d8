package io.flowgate.connectors.nodered;

/** Node-RED did not answer at all (refused, timed out): worth a retry, unlike a 4xx. */
public class NodeRedUnreachableException extends NodeRedApiException {

  public NodeRedUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
