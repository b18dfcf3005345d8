package io.flowgate.engine.snapshot;

import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.InstanceState;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.instance.LiveInstances;
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

  SnapshotSteps(
      SnapshotService service,
      SnapshotRepository snapshots,
      SnapshotDeployer deployer,
      SnapshotRetention retention,
      SnapshotKey key,
      LiveInstances live,
      InstanceSteps instances,
      AuditLog audit) {
    this.service = service;
    this.snapshots = snapshots;
    this.deployer = deployer;
    this.retention = retention;
    this.key = key;
    this.live = live;
    this.instances = instances;
    this.audit = audit;
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
    LiveInstances.Target instance = live.require(instanceId);
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

  public void deploy(String snapshotId, String instanceId) {
    deployer.deploy(snapshotId, instanceId);
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
