package io.flowgate.engine.snapshot;

import io.flowgate.engine.instance.InstanceService;
import io.flowgate.engine.instance.InstanceState;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Starts snapshot-deployment for {@code POST /instances/{id}/actions/deploy} (any snapshot of the
 * organization the caller may read) and {@code .../rollback} (one of the instance's own). The
 * variables hold ids, never content or secrets.
 */
@Service
public class SnapshotDeployments {

  private final SnapshotService snapshots;
  private final InstanceService instances;
  private final DeploymentWorkflow workflow;
  private final StageProtection protection;

  SnapshotDeployments(
      SnapshotService snapshots,
      InstanceService instances,
      DeploymentWorkflow workflow,
      StageProtection protection) {
    this.snapshots = snapshots;
    this.instances = instances;
    this.workflow = workflow;
    this.protection = protection;
  }

  @Transactional
  public InstanceService.Accepted start(
      Caller caller, String instanceId, String snapshotId, boolean rollback, String callbackUrl) {
    if (snapshotId == null || snapshotId.isBlank()) {
      throw ApiProblem.invalid("snapshotId", "is required: the snapshot to deploy");
    }
    LiveInstances.Target target = snapshots.instance(caller, instanceId, TeamAction.WRITE);
    protection.checkInstance(
        caller,
        SnapshotService.protectedInstance(target),
        rollback ? "roll it back" : "deploy a snapshot to it");
    Snapshot snapshot;
    try {
      snapshot = snapshots.visible(caller, snapshotId, TeamAction.READ);
    } catch (ApiProblem problem) {
      throw ApiProblem.invalid("snapshotId", "no snapshot with this id is visible to you");
    }
    if (!snapshot.organizationId().equals(target.organizationId())) {
      throw ApiProblem.invalid("snapshotId", "the snapshot belongs to another organization");
    }
    if (rollback && !instanceId.equals(snapshot.instanceId())) {
      throw ApiProblem.invalid(
          "snapshotId",
          "a rollback goes back to a snapshot of this instance; use the deploy action for"
              + " snapshots of other instances");
    }
    String operation = rollback ? "rollback" : "deploy";
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("snapshotId", snapshot.id());
    details.put("hash", snapshot.hash());
    return instances.startOperation(
        caller,
        instanceId,
        operation,
        Set.of(InstanceState.RUNNING),
        callbackUrl,
        details,
        (instance, callback) -> {
          Map<String, Object> variables = new HashMap<>();
          variables.put("instanceId", instance.id());
          variables.put("instanceName", instance.name());
          variables.put("teamId", instance.teamId());
          variables.put("organizationId", instance.organizationId());
          variables.put("snapshotId", snapshot.id());
          variables.put("snapshotHash", snapshot.hash());
          variables.put("operation", operation);
          if (callback != null) {
            variables.put("callbackUrl", callback);
          }
          return workflow.start(instance.id(), variables);
        });
  }
}
