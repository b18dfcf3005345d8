package io.flowgate.connectors.nodered;

import java.util.List;
import java.util.Objects;

/**
 * An npm module whose nodes a Node-RED instance has loaded, as a snapshot records it so the same
 * nodes can be installed where the snapshot goes.
 *
 * @param module the npm package name, {@code node-red} for the core nodes
 * @param version its installed version; null for nodes Node-RED found outside npm (a {@code
 *     nodesDir})
 * @param types the node types it provides, in Node-RED's order
 */
public record NodeModule(String module, String version, List<String> types) {

  public NodeModule {
    Objects.requireNonNull(module, "module");
    types = List.copyOf(types);
  }
}
