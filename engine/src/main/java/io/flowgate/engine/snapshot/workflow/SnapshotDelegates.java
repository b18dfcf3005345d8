package io.flowgate.engine.snapshot.workflow;

import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.snapshot.SnapshotSteps;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks of snapshot-deployment, one bean per task name in the model. A step that cannot
 * succeed becomes the BPMN error "snapshot-deploy-failed" (where it is caught decides what happens:
 * nothing deployed, restore the backup, or give up); other exceptions are retried.
 */
@Configuration(proxyBeanMethods = false)
class SnapshotDelegates {

  static final String DEPLOY_FAILED = "snapshot-deploy-failed";

  @Bean
  JavaDelegate backUpInstance(SnapshotSteps steps) {
    return execution ->
        guarded(
            () ->
                execution.setVariable(
                    "backupSnapshotId",
                    steps.backup(
                        instanceId(execution),
                        snapshotId(execution),
                        execution.getProcessInstanceId())));
  }

  @Bean
  JavaDelegate deploySnapshot(SnapshotSteps steps) {
    return execution ->
        guarded(
            () ->
                steps.deploy(
                    snapshotId(execution),
                    instanceId(execution),
                    execution.getProcessInstanceId()));
  }

  @Bean
  JavaDelegate verifySnapshotDeployment(SnapshotSteps steps) {
    return execution -> guarded(() -> steps.verify(snapshotId(execution), instanceId(execution)));
  }

  @Bean
  JavaDelegate restoreBackupSnapshot(SnapshotSteps steps) {
    return execution -> guarded(() -> steps.restore(backupId(execution), instanceId(execution)));
  }

  @Bean
  JavaDelegate verifyRestoredBackup(SnapshotSteps steps) {
    return execution -> guarded(() -> steps.verify(backupId(execution), instanceId(execution)));
  }

  @Bean
  JavaDelegate markSnapshotDeployed(SnapshotSteps steps) {
    return execution ->
        steps.markDeployed(
            instanceId(execution), snapshotId(execution), execution.getProcessInstanceId());
  }

  @Bean
  JavaDelegate markDeployRolledBack(SnapshotSteps steps) {
    return execution ->
        steps.markRolledBack(
            instanceId(execution),
            snapshotId(execution),
            backupId(execution),
            text(execution, "deployFailure"),
            execution.getProcessInstanceId());
  }

  @Bean
  JavaDelegate markRestoreFailed(SnapshotSteps steps) {
    return execution ->
        steps.markRestoreFailed(
            instanceId(execution),
            snapshotId(execution),
            text(execution, "deployFailure"),
            text(execution, "restoreFailure"),
            execution.getProcessInstanceId());
  }

  @Bean
  JavaDelegate markNothingDeployed(InstanceSteps steps) {
    return execution ->
        steps.endUnchanged(
            instanceId(execution),
            "Snapshot "
                + snapshotId(execution)
                + " was not deployed: "
                + text(execution, "deployFailure"),
            execution.getProcessInstanceId());
  }

  private static void guarded(Runnable step) {
    try {
      step.run();
    } catch (InstanceStepFailed e) {
      throw new BpmnError(DEPLOY_FAILED, e.getMessage());
    }
  }

  private static String instanceId(DelegateExecution execution) {
    return (String) execution.getVariable("instanceId");
  }

  private static String snapshotId(DelegateExecution execution) {
    return (String) execution.getVariable("snapshotId");
  }

  private static String backupId(DelegateExecution execution) {
    return (String) execution.getVariable("backupSnapshotId");
  }

  private static String text(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? "unknown" : value.toString();
  }
}
