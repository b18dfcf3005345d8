package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every path of instance-provisioning, with the delegates replaced by recorders. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = "instance-provisioning.bpmn")
class InstanceProvisioningProcessTest {

  private static final Instant NOW = Instant.parse("2025-06-02T08:00:00Z");
  private static final String DAEMON_DOWN = "Docker daemon does not answer";

  private static final List<String> DELEGATES =
      List.of(
          "validateInstanceRequest",
          "allocateInstanceResources",
          "createInstanceStorage",
          "createInstanceContainer",
          "startInstanceContainer",
          "waitForInstanceEditor",
          "loadInitialFlows",
          "markInstanceRunning",
          "releaseInstanceResources",
          "deleteInstanceStorage",
          "removeInstanceContainer",
          "markInstanceFailed",
          "notifyInstanceCallback");

  private RecordingDelegates delegates;

  @BeforeEach
  void recordEveryDelegate() {
    ClockUtil.setCurrentTime(Date.from(NOW));
    delegates = new RecordingDelegates(DELEGATES);
  }

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void provisionsStepByStepAndEndsRunning() {
    ProcessInstance instance = start();
    // the request is validated in the caller's transaction; everything else is a job
    BpmnAwareTests.assertThat(instance).isWaitingAt("allocate-resources");
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder(
            "validate-request",
            "allocate-resources",
            "create-storage",
            "create-container",
            "start-container",
            "wait-for-editor",
            "load-initial-flows",
            "mark-running",
            "notify-running")
        .isEnded()
        .hasPassed("instance-running")
        .hasNotPassed("provisioning-timeout-reached");
    assertThat(delegates.calls())
        .endsWith("markInstanceRunning", "notifyInstanceCallback")
        .doesNotContain("removeInstanceContainer", "markInstanceFailed");
  }

  @Test
  void anInvalidRequestFailsWithItsReasonAndUndoesNothing() {
    delegates.raiseError(
        "validateInstanceRequest",
        "provisioning-failed",
        "the name 'line-1' is taken in this team");

    ProcessInstance instance = start();
    // a failure ends the timeout: it cannot interrupt the failure handling
    assertThat(managementService().createJobQuery().timers().count()).isZero();
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .isEnded()
        .hasPassed("provisioning-failed", "mark-failed", "notify-failed", "instance-failed")
        .hasNotPassed("allocate-resources");
    assertThat(delegates.calls())
        .containsExactly("validateInstanceRequest", "markInstanceFailed", "notifyInstanceCallback");
    assertThat(Jobs.failureReason(instance)).isEqualTo("the name 'line-1' is taken in this team");
  }

  @Test
  void anEditorThatNeverAnswersUndoesContainerStorageAndAllocationInReverse() {
    delegates.raiseError(
        "waitForInstanceEditor", "provisioning-failed", "the editor did not answer within 90 s");

    ProcessInstance instance = start();
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .isEnded()
        .hasPassed("remove-container", "delete-storage", "release-resources", "instance-failed")
        .hasNotPassed("load-initial-flows", "instance-running");
    assertThat(delegates.callsAfter("waitForInstanceEditor"))
        .containsExactly(
            "removeInstanceContainer",
            "deleteInstanceStorage",
            "releaseInstanceResources",
            "markInstanceFailed",
            "notifyInstanceCallback");
    assertThat(Jobs.failureReason(instance)).isEqualTo("the editor did not answer within 90 s");
  }

  @Test
  void aMissingImageUndoesStorageAndAllocationButHasNoContainerToRemove() {
    delegates.raiseError(
        "createInstanceContainer",
        "provisioning-failed",
        "image flowgate/node-red:9 is not on this host");

    ProcessInstance instance = start();
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("instance-failed");
    assertThat(delegates.calls())
        .contains("deleteInstanceStorage", "releaseInstanceResources", "markInstanceFailed")
        .doesNotContain("removeInstanceContainer", "startInstanceContainer");
  }

  @Test
  void provisioningThatTakesTooLongUndoesWhatWasCreatedAndSaysWhy() {
    ProcessInstance instance = start();
    Job timeout = job("provisioning-timeout-reached", instance);
    assertThat(timeout.getDuedate()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(10))));

    // allocation and storage are done, the container is not made yet
    Jobs.runUntilWaitingAt(instance, "create-container");
    execute(timeout);
    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .isEnded()
        .hasPassedInOrder(
            "provisioning-timeout-reached",
            "undo-timed-out-work",
            "mark-timed-out",
            "notify-timed-out",
            "instance-timed-out")
        .hasNotPassed("create-container", "remove-container", "instance-running");
    assertThat(delegates.callsAfter("createInstanceStorage"))
        .containsExactly(
            "deleteInstanceStorage",
            "releaseInstanceResources",
            "markInstanceFailed",
            "notifyInstanceCallback");
    assertThat(Jobs.failureReason(instance)).isEqualTo("Provisioning did not finish within PT10M");
  }

  @Test
  void everyStepThatTouchesTheOutsideWorldIsRetriedAfterAWait() {
    List<Step> jobs =
        List.of(
            Step.runtime("allocate-resources", "allocateInstanceResources"),
            Step.runtime("create-storage", "createInstanceStorage"),
            Step.runtime("create-container", "createInstanceContainer"),
            Step.runtime("start-container", "startInstanceContainer"),
            Step.runtime("wait-for-editor", "waitForInstanceEditor"),
            Step.runtime("load-initial-flows", "loadInitialFlows"),
            Step.notification("notify-running"));
    jobs.forEach(step -> delegates.failTimes(step.beanName(), 1, DAEMON_DOWN));

    ProcessInstance instance = start();
    for (Step step : jobs) {
      Jobs.runUntilWaitingAt(instance, step.activityId());
      Jobs.attempt(instance, step.activityId());
      Job retry = job(step.activityId(), instance);
      assertThat(retry.getRetries()).as(step.activityId()).isEqualTo(4);
      assertThat(retry.getDuedate())
          .as(step.activityId())
          .isEqualTo(Jobs.fromNow(step.retryWait()));
      execute(retry);
    }

    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("instance-running");
  }

  @Test
  void aDockerDaemonThatIsDownForAMinuteIsRiddenOut() {
    ProcessInstance instance = startWithTheDaemonDownFor(4);

    assertThat(job("start-container", instance).getRetries()).isOne();
    assertThat(Jobs.incident(instance)).isNull();
    endsRunningAfterTheNextAttempt(instance);
  }

  @Test
  void aDaemonThatStaysDownRaisesAnIncidentThatARetryResolves() {
    ProcessInstance instance = startWithTheDaemonDownFor(5);

    Job exhausted = job("start-container", instance);
    assertThat(exhausted.getRetries()).isZero();
    assertThat(exhausted.getExceptionMessage()).contains(DAEMON_DOWN);
    assertThat(Jobs.incident(instance).getActivityId()).isEqualTo("start-container");
    assertThat(delegates.calls()).doesNotContain("removeInstanceContainer", "markInstanceFailed");

    // the operator's "retry" in Cockpit (executed at once, not after the retry wait)
    managementService().setJobRetries(exhausted.getId(), 1);
    endsRunningAfterTheNextAttempt(instance);
  }

  /** Starts provisioning and lets the container's start fail that many attempts in a row. */
  private ProcessInstance startWithTheDaemonDownFor(int attempts) {
    delegates.failTimes("startInstanceContainer", attempts, DAEMON_DOWN);
    ProcessInstance instance = start();
    Jobs.runUntilWaitingAt(instance, "start-container");
    Jobs.attempt(instance, "start-container", attempts);
    return instance;
  }

  private void endsRunningAfterTheNextAttempt(ProcessInstance instance) {
    execute(job("start-container", instance));
    Jobs.runAll();
    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("instance-running");
    assertThat(delegates.calls())
        .endsWith("markInstanceRunning", "notifyInstanceCallback")
        .doesNotContain("removeInstanceContainer", "markInstanceFailed");
  }

  private ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey(
            "instance-provisioning",
            "instance-7",
            Map.of("instanceId", "instance-7", "team", "team-1", "provisioningTimeout", "PT10M"));
  }
}
