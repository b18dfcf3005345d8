package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.testing.Await;
import io.flowgate.engine.testing.ApiTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  protected void assertNothingLeft(String id) {
    assertThat(container(id)).as("container of " + id).isEmpty();
    assertThat(objects.list(InstanceSteps.storagePrefix(id))).as("objects of " + id).isEmpty();
    assertThat(runtime.hasData("flowgate-" + id)).as("Node-RED data of " + id).isFalse();
  }
}
