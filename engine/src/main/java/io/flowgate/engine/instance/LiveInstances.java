package io.flowgate.engine.instance;

import io.flowgate.connectors.nodered.AdminToken;
import io.flowgate.connectors.nodered.NodeRedAdminClient;
import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.engine.secret.SecretBox;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * What other features (snapshots, promotions) may do with the Node-RED inside an instance: talk to
 * its Admin API, read its data folder, change its env and runtime settings and make its container
 * again. Secrets leave this class only towards the instance itself or in memory.
 */
@Component
public class LiveInstances {

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** The facts about an instance a deploy needs. */
  public record Target(
      String id,
      String organizationId,
      String teamId,
      String applicationId,
      String name,
      InstanceState state,
      String settings,
      String snapshotId) {}

  /** An env var in clear. */
  public record EnvVar(String name, String value, boolean secret) {
    @Override
    public String toString() {
      return "EnvVar[" + name + (secret ? ", secret" : "") + "]";
    }
  }

  private final InstanceRepository instances;
  private final InstanceEnvRepository env;
  private final InstanceContainers containers;
  private final InstanceRuntime runtime;
  private final InstanceSteps steps;
  private final SecretBox secrets;
  private final JdbcClient jdbc;

  LiveInstances(
      InstanceRepository instances,
      InstanceEnvRepository env,
      InstanceContainers containers,
      InstanceRuntime runtime,
      InstanceSteps steps,
      SecretBox secrets,
      JdbcClient jdbc) {
    this.instances = instances;
    this.env = env;
    this.containers = containers;
    this.runtime = runtime;
    this.steps = steps;
    this.secrets = secrets;
    this.jdbc = jdbc;
  }

  public Optional<Target> find(String instanceId) {
    return instances
        .find(instanceId)
        .map(
            row ->
                new Target(
                    row.id(),
                    row.organizationId(),
                    row.teamId(),
                    row.applicationId(),
                    row.name(),
                    row.state(),
                    row.settings(),
                    row.snapshotId()));
  }

  public Target require(String instanceId) {
    return find(instanceId)
        .orElseThrow(() -> new InstanceStepFailed("Instance " + instanceId + " no longer exists"));
  }

  /** An Admin API client, logged in as Flowgate's editor user; close it after use. */
  public NodeRedAdminClient adminClient(String instanceId) {
    InstanceRow instance = row(instanceId);
    if (instance.url() == null) {
      throw new InstanceStepFailed("Instance " + instanceId + " has no editor URL: is it running?");
    }
    NodeRedAdminClient client = new NodeRedAdminClient(URI.create(instance.url()), ADMIN_TIMEOUT);
    try {
      Optional<AdminToken> token =
          client.login(instance.editorUser(), containers.editorPassword(instance));
      return token.map(client::withToken).orElse(client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The instance's Node-RED credential secret (its flows_cred.json key). */
  public String credentialSecret(String instanceId) {
    return secrets.decrypt(row(instanceId).sealedCredentialSecret());
  }

  /** A file of the instance's Node-RED data folder (e.g. flows_cred.json). */
  public Optional<byte[]> readDataFile(String instanceId, String relativePath) {
    return runtime.readDataFile(InstanceContainers.containerName(instanceId), relativePath);
  }

  public List<EnvVar> env(String instanceId) {
    return env.of(instanceId).stream()
        .map(
            var ->
                new EnvVar(
                    var.name(),
                    var.secret() ? secrets.decrypt(var.value()) : var.value(),
                    var.secret()))
        .toList();
  }

  /** Replaces env and settings; they apply when the container is made again. */
  @Transactional
  public void replaceEnvAndSettings(String instanceId, List<EnvVar> vars, String settings) {
    env.replace(
        instanceId,
        vars.stream()
            .map(
                var ->
                    new InstanceEnvRepository.StoredEnvVar(
                        var.name(),
                        var.secret() ? secrets.encrypt(var.value()) : var.value(),
                        var.secret()))
            .toList());
    jdbc.sql("update flowgate.instance set settings = ? where id = ?")
        .params(NodeRedSettings.validate(NodeRedSettings.parse(settings)), instanceId)
        .update();
  }

  /**
   * Makes the container again so that new env and settings apply (the data volume stays), starts it
   * and waits for the editor. Node-RED failing to start ends in {@link InstanceStepFailed}.
   */
  public void recreate(String instanceId) {
    steps.stopContainer(instanceId);
    steps.removeContainer(instanceId);
    steps.createContainer(instanceId);
    steps.startContainer(instanceId);
    steps.waitForEditor(instanceId);
  }

  /** Whether the instance's Node-RED process runs now. */
  public boolean running(String instanceId) {
    return runtime
        .inspect(InstanceContainers.containerName(instanceId))
        .map(ContainerState::running)
        .orElse(false);
  }

  public void waitForEditor(String instanceId) {
    steps.waitForEditor(instanceId);
  }

  /**
   * Claims the instance for a process of another feature (a promotion), under the rule of one
   * operation at a time.
   *
   * @return whether the process holds it now (false: another operation works on it)
   */
  @Transactional
  public boolean claim(String instanceId, String operation, String processInstanceId) {
    InstanceRow row = instances.lock(instanceId).orElse(null);
    if (row == null) {
      throw new InstanceStepFailed("Instance " + instanceId + " no longer exists");
    }
    if (row.operation() != null) {
      return processInstanceId.equals(row.operationProcessId());
    }
    instances.setOperation(instanceId, operation, processInstanceId);
    return true;
  }

  /** Whether this process holds the instance's one operation now. */
  public boolean heldBy(String instanceId, String processInstanceId) {
    return instances
        .find(instanceId)
        .map(row -> processInstanceId.equals(row.operationProcessId()))
        .orElse(false);
  }

  /** Ends a claim, unless another operation holds the instance now. */
  public void release(String instanceId, String processInstanceId) {
    instances.endOperation(instanceId, processInstanceId);
  }

  /** Records the snapshot the instance runs now. */
  public void setSnapshot(String instanceId, String snapshotId) {
    jdbc.sql("update flowgate.instance set snapshot_id = ? where id = ?")
        .params(snapshotId, instanceId)
        .update();
  }

  private InstanceRow row(String instanceId) {
    return instances
        .find(instanceId)
        .orElseThrow(() -> new InstanceStepFailed("Instance " + instanceId + " no longer exists"));
  }
}
