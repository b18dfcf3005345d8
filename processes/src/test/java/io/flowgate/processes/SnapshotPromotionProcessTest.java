package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.decisionService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.engine.variable.VariableMap;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every path of snapshot-promotion, and the approval-policy decision table it asks. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(
    resources = {"snapshot-promotion.bpmn", "approval-policy.dmn", "promotion-approval.form"})
class SnapshotPromotionProcessTest {

  private static final List<String> BEANS =
      List.of(
          "resolvePromotionSnapshot",
          "checkPromotionApprovals",
          "backUpPromotionTargets",
          "deployPromotionTargets",
          "verifyPromotionTargets",
          "checkPromotionRollouts",
          "restorePromotionTargets",
          "markPromotionCompleted",
          "markPromotionRolledBack",
          "markPromotionRejected",
          "markPromotionExpired",
          "markPromotionFailed",
          "notifyPromotionCallback");

  private RecordingDelegates delegates;
  private final List<String> decisions = new ArrayList<>();

  /** Flowgate's record of the promotion, as the policy step reads it (never process variables). */
  private final VariableMap record = Variables.createVariables();

  @BeforeEach
  void stubs() {
    delegates = new RecordingDelegates(BEANS);
    // what the engine's bean does: ask the deployed table with the promotion's record, and hand
    // the model the number, group and expiry of the approvals
    Mocks.register(
        "decidePromotionApprovalPolicy",
        (JavaDelegate)
            execution -> {
              Map<String, Object> policy =
                  execution
                      .getProcessEngineServices()
                      .getDecisionService()
                      .evaluateDecisionByKey("approval-policy")
                      .variables(record)
                      .evaluate()
                      .getSingleResult()
                      .getEntryMap();
              execution.setVariable("approvalsRequired", policy.get("approvalsRequired"));
              execution.setVariable("approverGroupId", "team-t1-approvers");
              execution.setVariable("approvalExpiry", policy.get("approvalExpiry"));
              execution.setVariable("promotionRejected", false);
            });
    // no device groups in these paths: nothing to roll out
    Mocks.register("startPromotionRollouts", (JavaDelegate) execution -> {});
    Mocks.register("promotionRollouts", new Rollouts(List.of()));
    Mocks.register(
        "promotionApprovalListener", ApprovalListeners.recording(decisions, "promotionRejected"));
  }

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @ParameterizedTest(name = "protected={0}, final={1}, changes={2} -> {3} approvals")
  @CsvSource({
    "true, false, 1, 2",
    "false, true, 1, 2",
    "true, true, 500, 2",
    "false, false, 100, 1",
    "false, false, 99, 0",
    "false, false, 0, 0"
  })
  void thePolicyAsksTwoApprovalsForProtectedOrFinalStages(
      boolean stageProtected, boolean finalStage, int changes, int approvals) {
    Map<String, Object> result =
        decisionService()
            .evaluateDecisionByKey("approval-policy")
            .variables(
                Variables.putValue("stageProtected", stageProtected)
                    .putValue("finalStage", finalStage)
                    .putValue("changeCount", changes)
                    .putValue("emergencyRollback", false))
            .evaluate()
            .getSingleResult()
            .getEntryMap();
    assertThat(result)
        .containsEntry("approvalsRequired", approvals)
        .containsEntry("approverGroup", "stage")
        .containsEntry("approvalExpiry", "P3D");
  }

  @Test
  void anEmergencyRollbackAsksOneApproverWithinADay() {
    Map<String, Object> result =
        decisionService()
            .evaluateDecisionByKey("approval-policy")
            .variables(
                Variables.putValue("stageProtected", true)
                    .putValue("finalStage", true)
                    .putValue("changeCount", 500)
                    .putValue("emergencyRollback", true))
            .evaluate()
            .getSingleResult()
            .getEntryMap();
    assertThat(result)
        .containsEntry("approvalsRequired", 1)
        .containsEntry("approverGroup", "stage")
        .containsEntry("approvalExpiry", "P1D");
  }

  @Test
  void twoApproversThenEveryTargetIsBackedUpDeployedAndVerified() {
    ProcessInstance promotion = start(true, true, 3);
    Jobs.runAll();

    List<Task> tasks = approvalTasks(promotion);
    assertThat(tasks).hasSize(2);
    assertThat(
            taskService().getIdentityLinksForTask(tasks.get(0).getId()).stream()
                .map(link -> link.getGroupId())
                .toList())
        .contains("team-t1-approvers");
    decide(tasks.get(0), "approve");
    BpmnAwareTests.assertThat(promotion).isWaitingAt("approve");
    decide(tasks.get(1), "approve");
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder(
            "resolve-snapshot",
            "decide-approval-policy",
            "approve",
            "check-approvals",
            "back-up-targets",
            "deploy-targets",
            "verify-targets",
            "start-rollouts",
            "check-rollouts",
            "mark-completed",
            "notify-completed",
            "promotion-completed")
        .isEnded();
    assertThat(decisions).containsExactly("approve", "approve");
  }

  @Test
  void anOpenStageWithASmallChangeNeedsNoApprovalButTheRecordIsStillChecked() {
    ProcessInstance promotion = start(false, false, 3);
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassed("check-approvals", "promotion-completed")
        .hasNotPassed("approve")
        .isEnded();
  }

  @Test
  void aRejectionEndsThePromotionAndClosesTheOtherApproval() {
    ProcessInstance promotion = start(true, false, 3);
    Jobs.runAll();

    decide(approvalTasks(promotion).get(0), "reject");
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("mark-rejected", "notify-rejected", "promotion-rejected")
        .hasNotPassed("check-approvals", "deploy-targets")
        .isEnded();
    assertThat(taskQuery().processInstanceId(promotion.getId()).count()).isZero();
  }

  @Test
  void noDecisionWithinTheExpiryEndsThePromotionAsExpired() {
    ProcessInstance promotion = start(true, false, 3);
    Jobs.runAll();
    decide(approvalTasks(promotion).get(0), "approve");

    ClockUtil.setCurrentTime(Jobs.fromNow(Duration.ofDays(3).plusMinutes(1)));
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("approval-expired", "mark-expired", "notify-expired", "promotion-expired")
        .hasNotPassed("check-approvals")
        .isEnded();
    assertThat(taskQuery().processInstanceId(promotion.getId()).count()).isZero();
  }

  @Test
  void approvalsMissingFromTheRecordDeployNothing() {
    delegates.raiseError("checkPromotionApprovals", "approvals-missing", "one approval on record");
    ProcessInstance promotion = start(false, false, 3);
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("mark-refused", "notify-refused", "promotion-refused")
        .hasNotPassed("back-up-targets", "deploy-targets")
        .isEnded();
    assertThat(Jobs.failureReason(promotion)).isEqualTo("one approval on record");
  }

  @ParameterizedTest
  @CsvSource({"deployPromotionTargets", "verifyPromotionTargets"})
  void aFailingTargetRestoresEveryTarget(String failing) {
    delegates.raiseError(failing, "promotion-deploy-failed", "prod-2 did not come back");
    ProcessInstance promotion = start(false, false, 3);
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder(
            "restore-targets", "mark-rolled-back", "notify-rolled-back", "promotion-rolled-back")
        .hasNotPassed("mark-completed")
        .isEnded();
    assertThat(delegates.callsAfter(failing))
        .containsExactly(
            "restorePromotionTargets", "markPromotionRolledBack", "notifyPromotionCallback");
  }

  @Test
  void aSnapshotThatCannotBeResolvedFailsThePromotion() {
    delegates.raiseError("resolvePromotionSnapshot", "promotion-failed", "no snapshot yet");
    ProcessInstance promotion = start(true, true, 3);
    Jobs.runAll();

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("mark-promotion-failed", "notify-failed", "promotion-failed")
        .hasNotPassed("decide-approval-policy")
        .isEnded();
  }

  @Test
  void aStepThatKeepsFailingBecomesAnIncident() {
    Mocks.register(
        "deployPromotionTargets",
        (JavaDelegate)
            execution -> {
              throw new IllegalStateException("Node-RED at prod-1 did not answer");
            });
    ProcessInstance promotion = start(false, false, 3);
    Jobs.runUntilWaitingAt(promotion, "deploy-targets");

    Jobs.attempt(promotion, "deploy-targets", 5);

    assertThat(Jobs.incident(promotion).getIncidentMessage()).contains("did not answer");
    BpmnAwareTests.assertThat(promotion).isActive();
  }

  private ProcessInstance start(boolean stageProtected, boolean finalStage, int changes) {
    record
        .putValue("stageProtected", stageProtected)
        .putValue("finalStage", finalStage)
        .putValue("changeCount", changes)
        .putValue("emergencyRollback", false);
    VariableMap variables =
        Variables.putValue("promotionId", "promotion-1").putValue("organizationId", "org-1");
    return runtimeService()
        .startProcessInstanceByKey("snapshot-promotion", "promotion-1", variables);
  }

  private static List<Task> approvalTasks(ProcessInstance promotion) {
    return taskQuery()
        .processInstanceId(promotion.getId())
        .taskDefinitionKey("approve")
        .orderByTaskId()
        .asc()
        .list();
  }

  private static void decide(Task task, String decision) {
    taskService()
        .complete(task.getId(), Variables.putValue("decision", decision).putValue("comment", "ok"));
  }

  /** Stands in for the engine's bean that lists a promotion's rollouts. */
  public record Rollouts(List<String> list) {
    public List<String> ids(String promotionId) {
      return list;
    }
  }
}
