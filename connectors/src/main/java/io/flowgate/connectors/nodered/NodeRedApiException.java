package io.flowgate.connectors.nodered;

/**
 * A Node-RED Admin API call failed. The message names the call, the status and a short summary of
 * Node-RED's answer, never a token or a password.
 */
public class NodeRedApiException extends RuntimeException {

  private final int status;
  private final String bodySummary;

  public NodeRedApiException(String message, int status, String bodySummary) {
    super(message);
    this.status = status;
    this.bodySummary = bodySummary;
  }

  public NodeRedApiException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.bodySummary = "";
  }

  /** The HTTP status, or 0 when Node-RED did not answer. */
  public int status() {
    return status;
  }

  /** The start of Node-RED's answer (its error code and message when it sent JSON). */
  public String bodySummary() {
    return bodySummary;
  }
}
