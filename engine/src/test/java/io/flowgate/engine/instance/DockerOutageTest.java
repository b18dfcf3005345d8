package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.testing.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Docker daemon stops while an instance is being provisioned and comes back: the step that
 * needs it fails, waits for its retry, and provisioning ends running with one container.
 */
class DockerOutageTest extends InstanceDockerTestSupport {

  @Test
  @ExtendWith(DockerDaemon.Controllable.class)
  void provisioningRidesOutADockerDaemonRestart() throws Exception {
    DockerDaemon.stop();
    String id;
    try {
      id = create(request("outage"));
      // the first step that needs Docker fails and waits for its retry
      Map<String, Object> failedJob =
          Await.until(
              "a failed attempt while dockerd is down",
              Duration.ofSeconds(60),
              Duration.ofMillis(200),
              () ->
                  jdbc
                      .sql(
                          "select j.retries_, j.exception_msg_ from act_ru_job j join"
                              + " act_ru_execution e on e.proc_inst_id_ = j.process_instance_id_"
                              + " where e.business_key_ = ? and j.exception_msg_ is not null")
                      .param(id)
                      .query()
                      .listOfRows()
                      .stream()
                      .findFirst()
                      .orElse(Map.of()),
              row -> !row.isEmpty());
      assertThat(((Number) failedJob.get("retries_")).intValue()).isLessThan(5);
      assertThat(instance(id).path("state").asText()).isEqualTo("provisioning");
    } finally {
      DockerDaemon.start();
    }
    JsonNode running = awaitSettled(id, "running");
    assertThat(running.path("url").asText()).isNotEmpty();
    assertThat(runtime.list(Map.of(InstanceContainers.LABEL_INSTANCE, id))).hasSize(1);
    expect(delete("/api/v1/instances/" + id, as(owner)), 202);
    awaitGone(id);
    assertNothingLeft(id);
  }
}
