package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every path of pipeline-change: applied, rejected, expired, refused by the re-check. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = {"pipeline-change.bpmn", "pipeline-change-approval.form"})
class PipelineChangeProcessTest {

  private static final List<String> BEANS =
      List.of(
          "applyPipelineChange",
          "markPipelineChangeRejected",
          "markPipelineChangeExpired",
          "markPipelineChangeFailed");

  private RecordingDelegates delegates;
  private final List<String> decisions = new ArrayList<>();

  @BeforeEach
  void stubs() {
    delegates = new RecordingDelegates(BEANS);
    // what the engine's listener does, minus the table and the rules
    Mocks.register(
        "pipelineChangeApprovalListener", ApprovalListeners.recording(decisions, "changeRejected"));
  }

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void twoApprovalsApplyTheChange() {
    ProcessInstance change = start();
    List<Task> tasks = approvalTasks(change);
    assertThat(tasks).hasSize(2);
    assertThat(
            taskService().getIdentityLinksForTask(tasks.get(0).getId()).stream()
                .map(link -> link.getGroupId())
                .toList())
        .contains("team-t1-approvers");
    decide(tasks.get(0), "approve");
    BpmnAwareTests.assertThat(change).isWaitingAt("approve-change");
    decide(tasks.get(1), "approve");
    BpmnAwareTests.assertThat(change).isWaitingAt("apply-change");
    Jobs.runAll();

    BpmnAwareTests.assertThat(change)
        .hasPassedInOrder("change-requested", "approve-change", "apply-change", "change-applied")
        .isEnded();
    assertThat(delegates.calls()).containsExactly("applyPipelineChange");
    assertThat(decisions).containsExactly("approve", "approve");
  }

  @Test
  void aRejectionEndsTheChangeAndClosesTheOtherApproval() {
    ProcessInstance change = start();
    decide(approvalTasks(change).get(0), "reject");
    Jobs.runAll();

    BpmnAwareTests.assertThat(change)
        .hasPassedInOrder("mark-rejected", "change-rejected")
        .hasNotPassed("apply-change")
        .isEnded();
    assertThat(taskQuery().processInstanceId(change.getId()).count()).isZero();
    assertThat(delegates.calls()).containsExactly("markPipelineChangeRejected");
  }

  @Test
  void noDecisionWithinTheExpiryEndsTheChangeAsExpired() {
    ProcessInstance change = start();
    decide(approvalTasks(change).get(0), "approve");

    ClockUtil.setCurrentTime(Jobs.fromNow(Duration.ofDays(3).plusMinutes(1)));
    Jobs.runAll();

    BpmnAwareTests.assertThat(change)
        .hasPassedInOrder("approval-expired", "mark-expired", "change-expired")
        .hasNotPassed("apply-change")
        .isEnded();
    assertThat(taskQuery().processInstanceId(change.getId()).count()).isZero();
  }

  @Test
  void aChangeTheRecheckRefusesEndsFailedWithTheReason() {
    delegates.raiseError(
        "applyPipelineChange", "pipeline-change-not-applicable", "the pipeline changed since");
    ProcessInstance change = start();
    approvalTasks(change).forEach(task -> decide(task, "approve"));
    Jobs.runAll();

    BpmnAwareTests.assertThat(change)
        .hasPassedInOrder("apply-change", "change-not-applicable", "mark-failed", "change-failed")
        .hasNotPassed("change-applied")
        .isEnded();
    assertThat(Jobs.failureReason(change)).isEqualTo("the pipeline changed since");
    assertThat(delegates.calls())
        .containsExactly("applyPipelineChange", "markPipelineChangeFailed");
  }

  @Test
  void aStepThatKeepsFailingBecomesAnIncident() {
    delegates.failTimes("applyPipelineChange", 3, "database unreachable");
    ProcessInstance change = start();
    approvalTasks(change).forEach(task -> decide(task, "approve"));

    Jobs.attempt(change, "apply-change", 3);

    assertThat(Jobs.incident(change).getIncidentMessage()).contains("database unreachable");
    BpmnAwareTests.assertThat(change).isActive();
  }

  private static ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey(
            "pipeline-change",
            "change-1",
            Variables.putValue("changeId", "change-1")
                .putValue("pipelineName", "Filling")
                .putValue("stageName", "prod")
                .putValue("weakenings", "protected stage 'prod' is unprotected")
                .putValue("requestedBy", "alice")
                .putValue("approvalsRequired", 2)
                .putValue("approverGroupId", "team-t1-approvers")
                .putValue("approvalExpiry", "P3D")
                .putValue("changeRejected", false));
  }

  private static List<Task> approvalTasks(ProcessInstance change) {
    return taskQuery()
        .processInstanceId(change.getId())
        .taskDefinitionKey("approve-change")
        .orderByTaskCreateTime()
        .asc()
        .list();
  }

  private static void decide(Task task, String decision) {
    taskService()
        .complete(
            task.getId(),
            Variables.putValue("decision", decision)
                .putValue("comment", "reject".equals(decision) ? "not now" : ""));
  }
}
