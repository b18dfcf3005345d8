package io.flowgate.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A hosted Node-RED instance as the API shows it: no secrets (the editor password, Node-RED's
 * credential secret and secret env values stay in the database, encrypted).
 *
 * @param lastFailureReason why it last crashed or failed; kept while it runs again
 * @param operation the process now working on it ({@code provisioning}, {@code start}, ...), or
 *     null
 * @param operationProcessInstanceId that process's id, for Cockpit
 * @param settings the Node-RED runtime settings Flowgate manages ({@link NodeRedSettings})
 * @param snapshotId the snapshot last deployed to it, or null while it runs flows of its own
 */
public record Instance(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String name,
    String runtime,
    String stack,
    double cpus,
    long memoryMb,
    RestartPolicy restartPolicy,
    Integer port,
    String url,
    InstanceState state,
    String stateReason,
    Instant stateChangedAt,
    String lastFailureReason,
    Instant lastFailureAt,
    List<EnvVar> env,
    JsonNode settings,
    String snapshotId,
    String operation,
    String operationProcessInstanceId,
    int restarts,
    Instant createdAt,
    String createdBy) {

  /** An environment variable; the value of a secret one is never shown (null). */
  public record EnvVar(String name, String value, boolean secret) {}
}
