package io.flowgate.connectors.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Realistic flow content: the example flows shipped in {@code @node-red/nodes/examples/} beside the
 * Node-RED of {@code flowgate.node-red.home}, placed on a tab of their own as the editor's import
 * does (the example files reference a tab they do not contain).
 */
public final class ExampleFlows {

  /** Serves GET /hello with an HTML page (template + http response). */
  public static final String HTTP_ENDPOINT = "network/http/01 - Create HTTP endpoint.json";

  /** Serves GET /hello-param/:name, echoing the name. */
  public static final String HTTP_URL_PARAMETERS = "network/http/03 - Handle URL parameters.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExampleFlows() {}

  /** The examples folder of the Node-RED installation the tests use. */
  public static Path examplesDirectory() {
    String home = System.getProperty(NodeRedProcess.HOME_PROPERTY);
    if (home == null) {
      throw new IllegalStateException(
          "System property " + NodeRedProcess.HOME_PROPERTY + " is not set");
    }
    Path nodeRed = Path.of(home);
    for (Path candidate :
        List.of(
            nodeRed.resolveSibling("@node-red").resolve("nodes/examples"),
            nodeRed.resolve("node_modules/@node-red/nodes/examples"))) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("No @node-red/nodes/examples beside " + home);
  }

  /**
   * One example's nodes on a new tab.
   *
   * @param example path below the examples folder, e.g. {@link #HTTP_ENDPOINT}
   * @return the tab node first, then the example's nodes with {@code z} set to the tab
   */
  public static List<JsonNode> onTab(String example, String tabId, String label) {
    JsonNode nodes;
    try {
      nodes = JSON.readTree(examplesDirectory().resolve(example).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read example " + example, e);
    }
    List<JsonNode> flows = new ArrayList<>();
    ObjectNode tab = JSON.createObjectNode();
    tab.put("id", tabId).put("type", "tab").put("label", label).put("disabled", false);
    tab.put("info", "Imported from @node-red/nodes/examples/" + example);
    flows.add(tab);
    for (JsonNode node : nodes) {
      ObjectNode copy = node.deepCopy();
      if (copy.has("z")) {
        copy.put("z", tabId);
      }
      flows.add(copy);
    }
    return flows;
  }
}
