package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.historyService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A promotion into a stage with device groups calls device-rollout once per group. */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(
    resources = {
      "snapshot-promotion.bpmn",
      "approval-policy.dmn",
      "promotion-approval.form",
      "device-rollout.bpmn"
    })
class PromotionToDeviceGroupProcessTest {

  private RecordingDelegates delegates;

  @BeforeEach
  void stubs() {
    delegates =
        new RecordingDelegates(
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
                "markPromotionFailed",
                "notifyPromotionCallback",
                "planRolloutWaves",
                "startRolloutWave",
                "rollBackRolloutDevices",
                "markRolloutCompleted",
                "markRolloutRolledBack",
                "markRolloutAborted",
                "notifyRolloutCallback"));
    Mocks.register(
        "decidePromotionApprovalPolicy",
        (JavaDelegate)
            execution -> {
              execution.setVariable("approvalsRequired", 0);
              execution.setVariable("approverGroupId", "team-t1-approvers");
              execution.setVariable("approvalExpiry", "P3D");
              execution.setVariable("promotionRejected", false);
            });
    Mocks.register(
        "startPromotionRollouts",
        (JavaDelegate)
            execution -> {
              execution.setVariable("rolloutPollInterval", "PT2S");
            });
    Mocks.register(
        "promotionRollouts",
        new SnapshotPromotionProcessTest.Rollouts(List.of("rollout-a", "rollout-b")));
    Mocks.register(
        "judgeRolloutWave",
        (JavaDelegate)
            execution -> {
              execution.setVariable("waveOutcome", "succeeded");
              execution.setVariable("moreWaves", false);
            });
  }

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void eachDeviceGroupGetsItsRolloutAfterTheInstances() {
    ProcessInstance promotion = start();
    runFor(Duration.ofMinutes(1));

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("verify-targets", "start-rollouts", "roll-out", "check-rollouts")
        .hasPassed("promotion-completed")
        .isEnded();
    assertThat(
            historyService()
                .createHistoricProcessInstanceQuery()
                .processDefinitionKey("device-rollout")
                .list()
                .stream()
                .map(rollout -> rollout.getBusinessKey())
                .toList())
        .containsExactlyInAnyOrder("rollout-a", "rollout-b");
  }

  @Test
  void aRolloutThatDidNotCompleteRestoresTheInstanceTargets() {
    delegates.raiseError(
        "checkPromotionRollouts", "promotion-deploy-failed", "rollout-b was rolled back");
    ProcessInstance promotion = start();
    runFor(Duration.ofMinutes(1));

    BpmnAwareTests.assertThat(promotion)
        .hasPassedInOrder("check-rollouts", "restore-targets", "mark-rolled-back")
        .hasNotPassed("mark-completed")
        .isEnded();
  }

  private static ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey(
            "snapshot-promotion",
            "promotion-1",
            Variables.fromMap(
                Map.of("promotionId", "promotion-1", "organizationId", "org-1", "teamId", "t1")));
  }

  private static void runFor(Duration duration) {
    Duration step = Duration.ofSeconds(2);
    for (Duration passed = Duration.ZERO;
        passed.compareTo(duration) < 0;
        passed = passed.plus(step)) {
      Jobs.runAll();
      ClockUtil.setCurrentTime(Jobs.fromNow(step));
    }
    Jobs.runAll();
  }
}
