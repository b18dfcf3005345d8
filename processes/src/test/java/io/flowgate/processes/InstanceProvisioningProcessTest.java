package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
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
          "markInstanceFailed");

  private final List<String> calls = new ArrayList<>();

  @BeforeEach
  void recordEveryDelegate() {
    DELEGATES.forEach(name -> Mocks.register(name, recorder(name)));
  }

  @AfterEach
  void forgetMocks() {
    Mocks.reset();
  }

  @Test
  void provisionsStepByStepAndEndsRunning() {
    ProcessInstance instance = start();
    // the request is validated in the caller's transaction; everything else is a job
    BpmnAwareTests.assertThat(instance).isWaitingAt("allocate-resources");
    runAllJobs();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder(
            "validate-request",
            "allocate-resources",
            "create-storage",
            "create-container",
            "start-container",
            "wait-for-editor",
            "load-initial-flows",
            "mark-running")
        .isEnded()
        .hasPassed("instance-running");
    assertThat(calls).doesNotContain("removeInstanceContainer", "markInstanceFailed");
  }

  @Test
  void anInvalidRequestFailsWithItsReasonAndUndoesNothing() {
    Mocks.register(
        "validateInstanceRequest",
        failing("validateInstanceRequest", "the name 'line-1' is taken in this team"));

    ProcessInstance instance = start();

    BpmnAwareTests.assertThat(instance)
        .isEnded()
        .hasPassed("provisioning-failed", "mark-failed", "instance-failed")
        .hasNotPassed("allocate-resources");
    assertThat(calls)
        .containsExactly("validateInstanceRequest", "markInstanceFailed")
        .doesNotContain("releaseInstanceResources");
    assertThat(failureReason(instance)).isEqualTo("the name 'line-1' is taken in this team");
  }

  @Test
  void anEditorThatNeverAnswersUndoesContainerStorageAndAllocationInReverse() {
    Mocks.register(
        "waitForInstanceEditor",
        failing("waitForInstanceEditor", "the editor did not answer within 90 s"));

    ProcessInstance instance = start();
    runAllJobs();

    BpmnAwareTests.assertThat(instance)
        .isEnded()
        .hasPassed("remove-container", "delete-storage", "release-resources", "instance-failed")
        .hasNotPassed("load-initial-flows", "instance-running");
    int failedAt = calls.indexOf("waitForInstanceEditor");
    assertThat(calls.subList(failedAt + 1, calls.size()))
        .containsExactly(
            "removeInstanceContainer",
            "deleteInstanceStorage",
            "releaseInstanceResources",
            "markInstanceFailed");
    assertThat(failureReason(instance)).isEqualTo("the editor did not answer within 90 s");
  }

  @Test
  void aMissingImageUndoesStorageAndAllocationButHasNoContainerToRemove() {
    Mocks.register(
        "createInstanceContainer",
        failing("createInstanceContainer", "image flowgate/node-red:9 is not on this host"));

    ProcessInstance instance = start();
    runAllJobs();

    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("instance-failed");
    assertThat(calls)
        .contains("deleteInstanceStorage", "releaseInstanceResources", "markInstanceFailed")
        .doesNotContain("removeInstanceContainer", "startInstanceContainer");
  }

  @Test
  void aTransientFaultIsRetriedThenRaisesAnIncidentThatARetryResolves() {
    AtomicInteger attempts = new AtomicInteger();
    Mocks.register(
        "startInstanceContainer",
        (JavaDelegate)
            execution -> {
              if (attempts.incrementAndGet() <= 3) {
                throw new IllegalStateException("Docker daemon does not answer");
              }
              calls.add("startInstanceContainer");
            });
    ProcessInstance instance = start();
    runJobsUntilWaitingAt(instance, "start-container");

    for (int attempt = 1; attempt <= 3; attempt++) {
      Job job = job("start-container", instance);
      assertThat(job.getRetries()).isEqualTo(4 - attempt);
      tryToExecute(job);
    }
    Job exhausted = job("start-container", instance);
    assertThat(exhausted.getRetries()).isZero();
    assertThat(exhausted.getExceptionMessage()).contains("Docker daemon does not answer");
    assertThat(runtimeService().createIncidentQuery().processInstanceId(instance.getId()).count())
        .isOne();
    assertThat(calls).doesNotContain("removeInstanceContainer", "markInstanceFailed");

    // the operator's "retry" in Cockpit (executed at once, not after the retry wait)
    managementService().setJobRetries(exhausted.getId(), 1);
    execute(job("start-container", instance));
    runAllJobs();
    BpmnAwareTests.assertThat(instance).isEnded().hasPassed("instance-running");
  }

  private ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey("instance-provisioning", "instance-7", Map.of("team", "team-1"));
  }

  private static void runAllJobs() {
    for (Job next = nextJob(); next != null; next = nextJob()) {
      execute(next);
    }
  }

  private static void runJobsUntilWaitingAt(ProcessInstance instance, String activityId) {
    while (!runtimeService().getActiveActivityIds(instance.getId()).contains(activityId)) {
      execute(nextJob());
    }
  }

  private static Job nextJob() {
    return managementService()
        .createJobQuery()
        .executable()
        .orderByJobId()
        .asc()
        .listPage(0, 1)
        .stream()
        .findFirst()
        .orElse(null);
  }

  private static void tryToExecute(Job job) {
    try {
      managementService().executeJob(job.getId());
    } catch (RuntimeException expected) {
      // the engine records the failure on the job and decrements its retries
    }
  }

  private static String failureReason(ProcessInstance instance) {
    return (String)
        BpmnAwareTests.historyService()
            .createHistoricVariableInstanceQuery()
            .processInstanceId(instance.getId())
            .variableName("failureReason")
            .singleResult()
            .getValue();
  }

  private JavaDelegate recorder(String name) {
    return execution -> calls.add(name);
  }

  private JavaDelegate failing(String name, String reason) {
    return execution -> {
      calls.add(name);
      throw new BpmnError("provisioning-failed", reason);
    };
  }
}
