package io.flowgate.connectors.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The flows an instance runs, as Admin API v2 returns them.
 *
 * @param rev Node-RED's revision of this configuration; pass it back to {@link
 *     NodeRedAdminClient#setFlows} so a concurrent change is detected instead of overwritten
 * @param flows every tab, subflow, node and config node, in Node-RED's order
 */
public record FlowsState(String rev, List<JsonNode> flows) {

  public FlowsState {
    flows = List.copyOf(flows);
  }
}
