package io.flowgate.engine.instance;

import java.time.Instant;

/**
 * An instance's row as stored. The secret columns hold {@code SecretBox} ciphertext; {@link
 * #toString()} leaves them out.
 */
record InstanceRow(
    String id,
    String organizationId,
    String teamId,
    String applicationId,
    String name,
    String runtime,
    String stack,
    Long nanoCpus,
    Long memoryBytes,
    RestartPolicy restartPolicy,
    Integer port,
    String containerName,
    String url,
    InstanceState state,
    String stateReason,
    Instant stateChangedAt,
    String lastFailureReason,
    Instant lastFailureAt,
    String sealedCredentialSecret,
    String editorUser,
    String sealedEditorPassword,
    String editorPasswordHash,
    String initialFlows,
    String operation,
    String operationProcessId,
    int restarts,
    Instant lastRestartAt,
    Instant createdAt,
    String createdBy,
    String settings,
    String snapshotId) {

  @Override
  public String toString() {
    return "InstanceRow[id=" + id + ", name=" + name + ", state=" + state + ", port=" + port + "]";
  }
}
