package io.flowgate.engine.testing;

import java.util.List;
import java.util.Map;

/** Bodies of pipeline requests that several tests send. */
public final class PipelineRequests {

  private PipelineRequests() {}

  /**
   * {@code POST /api/v1/applications/{id}/pipelines}: "Filling", dev (takes a snapshot of its
   * instance) → prod (protected: approvals as the policy asks).
   */
  public static Map<String, Object> devToProd(String dev, List<String> prod) {
    return Map.of(
        "name",
        "Filling",
        "stages",
        List.of(
            Map.of(
                "name",
                "dev",
                "instances",
                List.of(dev),
                "action",
                "create_snapshot",
                "protected",
                false),
            Map.of("name", "prod", "instances", prod, "action", "use_latest", "protected", true)));
  }
}
