package io.flowgate.engine.snapshot;

import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.InstanceState;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.StageProtection;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The work behind the service tasks of snapshot-deployment, free of the engine. Each step is safe
 * to repeat; one that cannot succeed by retrying throws {@link InstanceStepFailed}.
 */
@Component
public class SnapshotSteps {

  private final SnapshotService service;
  private final SnapshotRepository snapshots;
  private final SnapshotDeployer deployer;
  private final SnapshotRetention retention;
  private final SnapshotKey key;
  private final LiveInstances live;
  private final InstanceSteps instances;
  private final AuditLog audit;
  private final StageProtection protection;

  SnapshotSteps(
      SnapshotService service,
      SnapshotRepository snapshots,
      SnapshotDeployer deployer,
      SnapshotRetention retention,
      SnapshotKey key,
      LiveInstances live,
      InstanceSteps instances,
      AuditLog audit,
      StageProtection protection) {
    this.service = service;
    this.snapshots = snapshots;
    this.deployer = deployer;
    this.retention = retention;
    this.key = key;
    this.live = live;
    this.instances = instances;
    this.audit = audit;
    this.protection = protection;
  }

  /**
   * Takes the automatic snapshot a failed deploy is undone with; a repeated step returns the one it
   * took before.
   *
   * @return the backup's id
   */
  @Transactional(noRollbackFor = InstanceStepFailed.class)
  public String backup(String instanceId, String snapshotId, String processInstanceId) {
    return snapshots
        .takenBy(processInstanceId)
        .map(Snapshot::id)
        .orElseGet(() -> takeBackup(instanceId, snapshotId, processInstanceId));
  }

  private String takeBackup(String instanceId, String snapshotId, String processInstanceId) {
    LiveInstances.Target instance = mayDeploy(instanceId, processInstanceId);
    if (instance.state() != InstanceState.RUNNING || !live.running(instanceId)) {
      throw new InstanceStepFailed(
          "The instance does not run, so there is nothing to back up and nothing was deployed");
    }
    Snapshot deploying =
        snapshots
            .find(snapshotId)
            .orElseThrow(
                () -> new InstanceStepFailed("Snapshot " + snapshotId + " no longer exists"));
    Snapshot backup =
        service.record(
            instance,
            service.captureOrFail(instanceId).seal(key.secret()),
            "Before " + deploying.name(),
            "Taken automatically before snapshot " + deploying.id() + " was deployed",
            SnapshotKind.AUTO,
            "system",
            processInstanceId);
    audit.record(
        SnapshotService.event(
            "system",
            "snapshot.created",
            backup,
            Map.of("processInstanceId", processInstanceId, "before", snapshotId)));
    retention.prune(instanceId);
    return backup.id();
  }

  /** Deploys the snapshot, if the process may still change the instance (see below). */
  public void deploy(String snapshotId, String instanceId, String processInstanceId) {
    mayDeploy(instanceId, processInstanceId);
    deployer.deploy(snapshotId, instanceId);
  }

  /** Puts the backup this process took back: the state before it, so no rule stands in the way. */
  public void restore(String backupId, String instanceId) {
    deployer.deploy(backupId, instanceId);
  }

  /**
   * A deploy changes an instance only when Flowgate's API started it for that instance (the
   * instance's operation is this process) and the instance is in no protected stage, checked again
   * at each step: a process started or moved by hand, or a stage protected since the request,
   * deploys nothing.
   */
  private LiveInstances.Target mayDeploy(String instanceId, String processInstanceId) {
    LiveInstances.Target instance = live.require(instanceId);
    if (!live.heldBy(instanceId, processInstanceId)) {
      throw new InstanceStepFailed(
          "Process "
              + processInstanceId
              + " was not started by Flowgate for instance "
              + instance.name()
              + ": nothing deployed");
    }
    protection
        .ofInstance(instanceId)
        .ifPresent(
            stage -> {
              throw new InstanceStepFailed(
                  protection
                      .refuse(
                          "system",
                          SnapshotService.protectedInstance(instance),
                          stage,
                          "deploy a snapshot to it",
                          "process " + processInstanceId)
                      .getMessage());
            });
    return instance;
  }

  public void verify(String snapshotId, String instanceId) {
    deployer.verify(snapshotId, instanceId);
  }

  @Transactional
  public void markDeployed(String instanceId, String snapshotId, String processInstanceId) {
    live.setSnapshot(instanceId, snapshotId);
    instances.markRunning(instanceId, processInstanceId);
    snapshots
        .find(snapshotId)
        .ifPresent(
            snapshot ->
                audit.record(
                    SnapshotService.event(
                        "system",
                        "snapshot.deployed",
                        snapshot,
                        Map.of("target", instanceId, "processInstanceId", processInstanceId))));
  }

  /** The backup runs again after the deploy failed: the instance runs, with the reason. */
  @Transactional
  public void markRolledBack(
      String instanceId, String snapshotId, String backupId, String reason, String pid) {
    live.setSnapshot(instanceId, backupId);
    String why = "Deploying snapshot " + snapshotId + " failed and was undone: " + reason;
    instances.markRestored(instanceId, why, pid);
  }

  /** Neither the deploy nor its undoing worked: the instance is failed until someone acts. */
  @Transactional
  public void markRestoreFailed(
      String instanceId, String snapshotId, String deployReason, String restoreReason, String pid) {
    instances.markFailed(
        instanceId,
        "Deploying snapshot "
            + snapshotId
            + " failed ("
            + deployReason
            + ") and restoring the backup failed too ("
            + restoreReason
            + ")",
        pid);
  }
}
