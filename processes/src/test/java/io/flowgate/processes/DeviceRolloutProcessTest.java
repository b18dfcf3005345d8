package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.taskService;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every path of device-rollout with the wave judgement scripted: waves that succeed, a breach with
 * and without automatic rollback, abort, pause and resume, the manual gate, and an incident.
 */
@ExtendWith(ProcessEngineExtension.class)
@Deployment(resources = "device-rollout.bpmn")
class DeviceRolloutProcessTest {

  private static final List<String> BEANS =
      List.of(
          "planRolloutWaves",
          "rollBackRolloutDevices",
          "markRolloutCompleted",
          "markRolloutRolledBack",
          "markRolloutAborted",
          "notifyRolloutCallback");
  private static final Duration POLL = Duration.ofSeconds(5);

  private RecordingDelegates delegates;

  /** What each judgement answers, in order; "running" once the script is used up. */
  private final Deque<String> judgements = new ArrayDeque<>();

  private int waves;
  private int rollbackChecks;

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void threeWavesThatSucceedCompleteTheRollout() {
    script(3, "running", "succeeded", "succeeded", "running", "running", "succeeded");
    ProcessInstance rollout = start(false, true);

    runFor(Duration.ofMinutes(10));

    BpmnAwareTests.assertThat(rollout)
        .hasPassedInOrder("plan-waves", "start-wave", "judge-wave", "wait-between", "start-wave")
        .hasPassed("mark-completed", "notify-completed", "rollout-completed")
        .hasNotPassed("roll-back", "pass-gate")
        .isEnded();
    assertThat(waves).isEqualTo(3);
  }

  @Test
  void aBreachedThresholdMovesTheUpdatedDevicesBack() {
    script(3, "succeeded", "running", "breached");
    ProcessInstance rollout = start(false, true);

    runFor(Duration.ofMinutes(10));

    BpmnAwareTests.assertThat(rollout)
        .hasPassedInOrder(
            "threshold-breached",
            "wave-failed",
            "roll-back",
            "check-rollback",
            "mark-rolled-back",
            "rollout-rolled-back")
        .hasNotPassed("mark-completed")
        .isEnded();
    assertThat(waves).isEqualTo(2);
    assertThat(rollbackChecks).isEqualTo(2);
  }

  @Test
  void withoutAutomaticRollbackABreachStopsTheRollout() {
    script(2, "breached");
    ProcessInstance rollout = start(false, false);

    runFor(Duration.ofMinutes(5));

    BpmnAwareTests.assertThat(rollout)
        .hasPassed("mark-stopped", "rollout-aborted")
        .hasNotPassed("roll-back")
        .isEnded();
  }

  @Test
  void anAbortDuringAWaveRollsBack() {
    script(3);
    ProcessInstance rollout = start(false, true);
    runFor(Duration.ofSeconds(12));
    BpmnAwareTests.assertThat(rollout).isActive();

    runtimeService()
        .createMessageCorrelation("rollout-abort")
        .processInstanceBusinessKey("r-1")
        .correlate();
    runFor(Duration.ofMinutes(2));

    BpmnAwareTests.assertThat(rollout)
        .hasPassed("abort-requested", "roll-back", "mark-rolled-back")
        .hasNotPassed("mark-completed")
        .isEnded();
  }

  @Test
  void aPausedRolloutStartsNoWaveUntilResumed() {
    script(2, "succeeded", "succeeded");
    ProcessInstance rollout = start(false, true);
    runFor(Duration.ofSeconds(6));
    runtimeService()
        .createMessageCorrelation("rollout-pause")
        .processInstanceBusinessKey("r-1")
        .correlate();

    runFor(Duration.ofMinutes(10));
    assertThat(waves).as("the next wave waits").isEqualTo(1);
    BpmnAwareTests.assertThat(rollout).isActive().hasPassed("mark-paused", "wait-while-paused");

    runtimeService()
        .createMessageCorrelation("rollout-resume")
        .processInstanceBusinessKey("r-1")
        .correlate();
    runFor(Duration.ofMinutes(5));

    assertThat(waves).isEqualTo(2);
    BpmnAwareTests.assertThat(rollout).hasPassed("mark-resumed", "rollout-completed").isEnded();
  }

  @Test
  void theManualGateHoldsTheNextWaveUntilSomeoneLetsItStart() {
    script(2, "succeeded", "succeeded");
    ProcessInstance rollout = start(true, true);

    runFor(Duration.ofMinutes(10));
    assertThat(waves).isEqualTo(1);
    BpmnAwareTests.assertThat(rollout).isWaitingAt("pass-gate");
    assertThat(
            taskService()
                .getIdentityLinksForTask(taskQuery().singleResult().getId())
                .get(0)
                .getGroupId())
        .isEqualTo("team-t1-approvers");

    taskService().complete(taskQuery().singleResult().getId());
    runFor(Duration.ofMinutes(5));

    assertThat(waves).isEqualTo(2);
    BpmnAwareTests.assertThat(rollout).hasPassed("rollout-completed").isEnded();
  }

  @Test
  void aJudgementThatKeepsFailingBecomesAnIncident() {
    script(1);
    Mocks.register(
        "judgeRolloutWave",
        (JavaDelegate)
            execution -> {
              throw new IllegalStateException("PostgreSQL does not answer");
            });
    ProcessInstance rollout = start(false, true);
    Jobs.runAll();
    ClockUtil.setCurrentTime(Jobs.fromNow(POLL));
    Jobs.runUntilWaitingAt(rollout, "judge-wave");

    Jobs.attempt(rollout, "judge-wave", 5);

    assertThat(Jobs.incident(rollout).getIncidentMessage()).contains("PostgreSQL");
  }

  /** The rollout has this many waves; the judgements answer in this order. */
  private void script(int waveCount, String... outcomes) {
    delegates = new RecordingDelegates(BEANS);
    judgements.addAll(List.of(outcomes));
    Mocks.register(
        "startRolloutWave",
        (JavaDelegate)
            execution -> {
              waves++;
              execution.setVariable("wave", waves);
              execution.setVariable("wave" + waves + "Targeted", 10 * waves);
            });
    Mocks.register(
        "judgeRolloutWave",
        (JavaDelegate)
            execution -> {
              String outcome = judgements.isEmpty() ? "running" : judgements.poll();
              execution.setVariable("waveOutcome", outcome);
              execution.setVariable("moreWaves", waves < waveCount);
            });
    Mocks.register(
        "checkRolloutRollback",
        (JavaDelegate)
            execution -> execution.setVariable("rollbackComplete", ++rollbackChecks >= 2));
    Mocks.register(
        "markRolloutPaused", (JavaDelegate) execution -> execution.setVariable("paused", true));
    Mocks.register(
        "markRolloutResumed", (JavaDelegate) execution -> execution.setVariable("paused", false));
    Mocks.register("rolloutGateListener", (TaskListener) task -> {});
  }

  private static ProcessInstance start(boolean manualGate, boolean autoRollback) {
    return runtimeService()
        .startProcessInstanceByKey(
            "device-rollout",
            "r-1",
            Variables.putValue("rolloutId", "r-1")
                .putValue("pollInterval", "PT5S")
                .putValue("waitBetweenWaves", "PT1M")
                .putValue("manualGate", manualGate)
                .putValue("autoRollback", autoRollback)
                .putValue("paused", false)
                .putValue("approverGroupId", "team-t1-approvers"));
  }

  /** Lets time pass in poll-sized steps, running whatever becomes due. */
  private static void runFor(Duration duration) {
    for (Duration passed = Duration.ZERO;
        passed.compareTo(duration) < 0;
        passed = passed.plus(POLL)) {
      Jobs.runAll();
      ClockUtil.setCurrentTime(Jobs.fromNow(POLL));
    }
    Jobs.runAll();
  }
}
