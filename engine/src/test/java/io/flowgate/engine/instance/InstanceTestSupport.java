package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.nodered.DeploymentType;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.testing.ApiTestSupport;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Flowgate whose job executor runs: instances really start (on the runtime a subclass chooses),
 * and the reconciler looks every second.
 */
public abstract class InstanceTestSupport extends ApiTestSupport {

  protected static final Duration PROVISIONING = Duration.ofSeconds(150);

  @DynamicPropertySource
  static void realInstances(DynamicPropertyRegistry registry) {
    registry.add("camunda.bpm.job-execution.enabled", () -> "true");
    registry.add("flowgate.instances.reconcile-interval", () -> "PT1S");
    registry.add("flowgate.instances.memory-mb", () -> "256");
    // instances install modules from the npm registry through whatever TLS proxy the host trusts
    registry.add("flowgate.instances.ca-file", InstanceTestSupport::hostCertificates);
  }

  private static String hostCertificates() {
    String named = System.getenv("NODE_EXTRA_CA_CERTS");
    if (named != null && Files.isReadable(Path.of(named))) {
      return named;
    }
    Path debian = Path.of("/etc/ssl/certs/ca-certificates.crt");
    return Files.isReadable(debian) ? debian.toString() : "";
  }

  @Autowired protected InstanceRuntime runtime;
  @Autowired protected ObjectStore objects;

  protected String organization;
  protected String team;
  protected String application;
  protected String owner;

  @BeforeEach
  protected void aTeamWithAnApplication() {
    TeamWithApplication made = teamWithApplication();
    organization = made.organization();
    team = made.team();
    owner = made.owner();
    application = made.application();
  }

  protected Map<String, Object> request(String name) {
    return body("team", team, "application", application, "name", name);
  }

  protected String create(Map<String, Object> request) {
    return expect(post("/api/v1/instances", as(owner), request), 202).json().path("id").asText();
  }

  protected JsonNode instance(String id) {
    return expect(get("/api/v1/instances/" + id, as(owner)), 200).json();
  }

  /** Waits for a state with no process left working on the instance. */
  protected JsonNode awaitSettled(String id, String state) {
    return Await.until(
        "instance " + id + " " + state,
        PROVISIONING,
        Duration.ofMillis(200),
        () -> instance(id),
        json -> {
          String now = json.path("state").asText();
          if (!now.equals(state) && Set.of("failed", "crashed").contains(now)) {
            throw new AssertionError(
                "instance " + id + " is " + now + ": " + json.path("stateReason").asText());
          }
          return now.equals(state) && !json.has("operation");
        });
  }

  /**
   * Deletes the instances and waits until they are gone. An instance of a protected stage cannot be
   * deleted through the API (decision record 11 has no decommissioning route yet), so the test's
   * cleanup takes them out of their stages in the database first.
   */
  protected void deleteInstances(List<String> ids) {
    for (String id : ids) {
      jdbc.sql("delete from flowgate.pipeline_stage_instance where instance_id = ?")
          .param(id)
          .update();
      delete("/api/v1/instances/" + id, as(owner));
    }
    for (String id : ids) {
      awaitGone(id);
    }
  }

  /** Waits for the instance to be gone (GET answers 404). */
  protected void awaitGone(String id) {
    Await.until(
        "instance " + id + " deleted",
        PROVISIONING,
        Duration.ofMillis(200),
        () -> get("/api/v1/instances/" + id, as(owner)).status(),
        status -> status == 404);
  }

  protected Optional<ContainerState> container(String id) {
    return runtime.inspect("flowgate-" + id);
  }

  /** A small real node module from the npm registry, installed inside instances by tests. */
  protected static final String RANDOM_MODULE = "node-red-node-random";

  protected static final String RANDOM_VERSION = "0.4.1";

  /** An Admin API client of the instance, logged in with the editor credentials the team gets. */
  protected NodeRedAdminClient adminClient(String id) {
    JsonNode login =
        expect(get("/api/v1/instances/" + id + "/editor-credentials", as(owner)), 200).json();
    NodeRedAdminClient client =
        new NodeRedAdminClient(URI.create(login.path("url").asText()), Duration.ofSeconds(10));
    return client
        .login(login.path("username").asText(), login.path("password").asText())
        .map(client::withToken)
        .orElse(client);
  }

  /** Installs {@link #RANDOM_MODULE} on the instance and adds one of its nodes to the tab. */
  protected void addRandomNode(String id, String tabId) {
    try (NodeRedAdminClient client = adminClient(id)) {
      client.installModule(RANDOM_MODULE, RANDOM_VERSION, Duration.ofMinutes(3));
      List<JsonNode> flows = new ArrayList<>(client.getFlows().flows());
      flows.add(
          JSON.createObjectNode()
              .put("id", "dice")
              .put("type", "random")
              .put("z", tabId)
              .put("name", "dice")
              .put("low", 1)
              .put("high", 6)
              .put("inte", "true")
              .put("property", "payload")
              .put("x", 300)
              .put("y", 220)
              .set("wires", JSON.createArrayNode().add(JSON.createArrayNode())));
      client.setFlows(flows, null, DeploymentType.FULL);
    }
  }

  protected void assertNothingLeft(String id) {
    assertThat(container(id)).as("container of " + id).isEmpty();
    assertThat(objects.list(InstanceSteps.storagePrefix(id))).as("objects of " + id).isEmpty();
    assertThat(runtime.hasData("flowgate-" + id)).as("Node-RED data of " + id).isFalse();
  }
}
