package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Machines without Docker: the same processes run Node-RED as local child processes. */
@RequiresNodeRed
class InstanceLocalRuntimeTest extends InstanceTestSupport {

  @DynamicPropertySource
  static void localProcesses(DynamicPropertyRegistry registry) {
    registry.add("flowgate.runtime.kind", () -> "local");
    registry.add(
        "flowgate.runtime.node-red-home", () -> System.getProperty(NodeRedProcess.HOME_PROPERTY));
    registry.add("flowgate.instances.ports", () -> "19140-19149");
  }

  @Test
  void provisionsStopsStartsAndDeletesALocalInstance() {
    String id = create(request("on-a-laptop"));
    JsonNode running = awaitSettled(id, "running");
    assertThat(running.path("runtime").asText()).isEqualTo("local-process");
    assertThat(container(id).orElseThrow().running()).isTrue();
    assertThat(expect(get("/api/v1/instances/" + id + "/logs?lines=50", as(owner)), 200).body())
        .contains("Started flows");

    expect(post("/api/v1/instances/" + id + "/actions/stop", as(owner), null), 202);
    awaitSettled(id, "stopped");
    assertThat(container(id).orElseThrow().running()).isFalse();
    expect(post("/api/v1/instances/" + id + "/actions/start", as(owner), null), 202);
    awaitSettled(id, "running");

    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
    assertNothingLeft(id);
  }
}
