package io.flowgate.connectors.nodered;

/**
 * Node-RED refused a deploy because its flows changed since the revision the caller read (409
 * {@code version_mismatch}). Read the flows again and decide; never deploy blindly over them.
 */
public class FlowsConflictException extends NodeRedApiException {

  private final String staleRev;

  public FlowsConflictException(String staleRev, String bodySummary) {
    super(
        "Node-RED flows changed since revision " + staleRev + " (409 " + bodySummary + ")",
        409,
        bodySummary);
    this.staleRev = staleRev;
  }

  /** The revision the refused deploy was based on. */
  public String staleRev() {
    return staleRev;
  }
}
