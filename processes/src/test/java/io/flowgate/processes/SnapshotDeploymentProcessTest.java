package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every path of snapshot-deployment: deployed, nothing deployed, undone, and failed for good. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = "snapshot-deployment.bpmn")
class SnapshotDeploymentProcessTest {

  private static final String FAILED = "snapshot-deploy-failed";
  private static final List<String> BEANS =
      List.of(
          "backUpInstance",
          "deploySnapshot",
          "verifySnapshotDeployment",
          "restoreBackupSnapshot",
          "verifyRestoredBackup",
          "markSnapshotDeployed",
          "markDeployRolledBack",
          "markRestoreFailed",
          "markNothingDeployed",
          "notifyInstanceCallback");

  private RecordingDelegates delegates;

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void backsUpDeploysVerifiesAndRecordsTheSnapshot() {
    delegates = new RecordingDelegates(BEANS);
    ProcessInstance instance = start();
    BpmnAwareTests.assertThat(instance).isWaitingAt("back-up-instance");

    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder(
            "back-up-instance",
            "deploy-snapshot",
            "verify-deployment",
            "mark-deployed",
            "notify-deployed",
            "snapshot-deployed")
        .isEnded();
    assertThat(delegates.calls())
        .containsExactly(
            "backUpInstance",
            "deploySnapshot",
            "verifySnapshotDeployment",
            "markSnapshotDeployed",
            "notifyInstanceCallback");
  }

  @Test
  void withoutABackupNothingIsDeployed() {
    delegates = new RecordingDelegates(BEANS);
    delegates.raiseError("backUpInstance", FAILED, "The instance does not run");
    ProcessInstance instance = start();

    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder("mark-nothing-deployed", "notify-nothing-deployed", "nothing-deployed")
        .isEnded();
    assertThat(delegates.calls())
        .containsExactly("backUpInstance", "markNothingDeployed", "notifyInstanceCallback");
    assertThat(historicVariable(instance, "deployFailure")).isEqualTo("The instance does not run");
  }

  @ParameterizedTest
  @ValueSource(strings = {"deploySnapshot", "verifySnapshotDeployment"})
  void aFailedDeployOrVerificationRestoresTheBackup(String failing) {
    delegates = new RecordingDelegates(BEANS);
    delegates.raiseError(failing, FAILED, "Node-RED exited with code 9");
    ProcessInstance instance = start();

    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder(
            "restore-backup-snapshot",
            "verify-restored",
            "mark-rolled-back",
            "notify-rolled-back",
            "deploy-undone")
        .hasNotPassed("mark-deployed")
        .isEnded();
    assertThat(delegates.callsAfter(failing))
        .containsExactly(
            "restoreBackupSnapshot",
            "verifyRestoredBackup",
            "markDeployRolledBack",
            "notifyInstanceCallback");
    assertThat(historicVariable(instance, "deployFailure"))
        .isEqualTo("Node-RED exited with code 9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"restoreBackupSnapshot", "verifyRestoredBackup"})
  void aFailedRestoreMarksTheInstanceFailed(String failingRestore) {
    delegates = new RecordingDelegates(BEANS);
    delegates.raiseError("deploySnapshot", FAILED, "module not found");
    delegates.raiseError(failingRestore, FAILED, "Node-RED exited again");
    ProcessInstance instance = start();

    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder("mark-restore-failed", "notify-restore-failed", "instance-failed")
        .hasNotPassed("mark-rolled-back", "mark-deployed")
        .isEnded();
    assertThat(delegates.callsAfter(failingRestore))
        .containsExactly("markRestoreFailed", "notifyInstanceCallback");
    assertThat(historicVariable(instance, "restoreFailure")).isEqualTo("Node-RED exited again");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "back-up-instance:backUpInstance",
        "deploy-snapshot:deploySnapshot",
        "verify-deployment:verifySnapshotDeployment"
      })
  void aStepThatFailsFourTimesIsRetriedEveryFifteenSeconds(String step) {
    String activity = step.split(":")[0];
    String bean = step.split(":")[1];
    delegates = new RecordingDelegates(BEANS);
    delegates.failTimes(bean, 4, "Docker daemon does not answer");
    ProcessInstance instance = start();
    Jobs.runUntilWaitingAt(instance, activity);

    for (int failures = 1; failures <= 4; failures++) {
      Jobs.attempt(instance, activity);
      Job retry = job(activity, instance);
      assertThat(retry.getRetries()).isEqualTo(5 - failures);
      assertThat(retry.getDuedate()).isEqualTo(Jobs.fromNow(Step.RUNTIME_RETRY_WAIT));
    }
    execute(job(activity, instance));
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("snapshot-deployed");
    assertThat(Jobs.incident(instance)).isNull();
  }

  @Test
  void aStepThatKeepsFailingBecomesAnIncidentThatSaysWhy() {
    delegates = new RecordingDelegates(BEANS);
    delegates.failTimes("deploySnapshot", 99, "Node-RED at http://localhost:18800/ did not answer");
    ProcessInstance instance = start();
    Jobs.runUntilWaitingAt(instance, "deploy-snapshot");

    Jobs.attempt(instance, "deploy-snapshot", 5);

    Incident incident = Jobs.incident(instance);
    assertThat(incident).isNotNull();
    assertThat(incident.getActivityId()).isEqualTo("deploy-snapshot");
    assertThat(incident.getIncidentMessage()).contains("did not answer");
    BpmnAwareTests.assertThat(instance).isActive();
  }

  private static ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey(
            "snapshot-deployment",
            "instance-7",
            Map.of(
                "instanceId", "instance-7",
                "snapshotId", "snapshot-3",
                "operation", "rollback",
                "teamId", "team-1",
                "organizationId", "org-1"));
  }

  private static Object historicVariable(ProcessInstance instance, String name) {
    return BpmnAwareTests.historyService()
        .createHistoricVariableInstanceQuery()
        .processInstanceId(instance.getId())
        .variableName(name)
        .singleResult()
        .getValue();
  }
}
