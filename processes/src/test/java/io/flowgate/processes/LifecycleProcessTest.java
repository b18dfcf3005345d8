package io.flowgate.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The paths every instance lifecycle model has, walked for each of its steps: all steps in order, a
 * business failure (BPMN error "instance-action-failed") at any step, a step that fails four times
 * and then succeeds, and a step that keeps failing until an incident. A subclass names its model
 * (and deploys it with {@code @Deployment}).
 */
@ExtendWith(ProcessEngineExtension.class)
abstract class LifecycleProcessTest {

  static final Step STOP_CONTAINER = Step.runtime("stop-container", "stopInstanceContainer");
  static final Step ENSURE_CONTAINER = Step.runtime("ensure-container", "createInstanceContainer");
  static final Step START_CONTAINER = Step.runtime("start-container", "startInstanceContainer");
  static final Step WAIT_FOR_EDITOR = Step.runtime("wait-for-editor", "waitForInstanceEditor");
  static final Step REMOVE_CONTAINER = Step.runtime("remove-container", "removeInstanceContainer");
  static final Step MARK_RUNNING = Step.inline("mark-running", "markInstanceRunning");

  /** What the model does after a business failure, ending in its own end event. */
  record FailureHandling(Step mark, Step notification, String endEventId) {}

  static final FailureHandling MARK_CRASHED =
      new FailureHandling(
          Step.inline("mark-crashed", "markInstanceCrashed"),
          Step.notification("notify-crashed"),
          "instance-crashed");

  private static final String INSTANCE_ID = "instance-7";
  private static final String DAEMON_DOWN = "Docker daemon does not answer";

  private final String processKey;
  private final List<Step> steps;
  private final String endEventId;
  private final FailureHandling failure;
  private RecordingDelegates delegates;

  /**
   * @param actions the model's steps up to the notification, in order
   * @param notification the notification of the normal outcome
   */
  LifecycleProcessTest(
      String processKey,
      List<Step> actions,
      Step notification,
      String endEventId,
      FailureHandling failure) {
    this.processKey = processKey;
    this.steps = Stream.concat(actions.stream(), Stream.of(notification)).toList();
    this.endEventId = endEventId;
    this.failure = failure;
  }

  @AfterEach
  void forgetMocksAndClock() {
    Mocks.reset();
    ClockUtil.reset();
  }

  @Test
  void runsItsStepsInOrderAndTellsTheRequester() {
    recordDelegates();
    ProcessInstance instance = start();
    // the requester's transaction only records the request: the first step is already a job
    BpmnAwareTests.assertThat(instance).isWaitingAt(steps.get(0).activityId());

    Jobs.runAll();

    BpmnAwareTests.assertThat(instance)
        .hasPassedInOrder(Step.activityIds(steps).toArray(String[]::new))
        .isEnded()
        .hasPassed(endEventId)
        .hasNotPassed(failure.mark().activityId());
    assertThat(delegates.calls()).containsExactlyElementsOf(Step.beanNames(steps));
  }

  @Test
  void aBusinessFailureInAnyStepIsRecordedAndReportedAndNothingAfterItRuns() {
    List<Step> actions = steps.subList(0, steps.size() - 1);
    for (Step failing : actions) {
      recordDelegates();
      String reason = "gave up at " + failing.activityId();
      delegates.raiseError(failing.beanName(), "instance-action-failed", reason);

      ProcessInstance instance = start();
      Jobs.runAll();

      BpmnAwareTests.assertThat(instance)
          .isEnded()
          .hasPassedInOrder(
              failing.activityId(),
              failure.mark().activityId(),
              failure.notification().activityId(),
              failure.endEventId())
          .hasNotPassed(endEventId);
      List<String> expected = new ArrayList<>(beansBefore(failing));
      expected.add(failing.beanName());
      expected.add(failure.mark().beanName());
      expected.add(failure.notification().beanName());
      assertThat(delegates.calls()).as(failing.activityId()).containsExactlyElementsOf(expected);
      assertThat(Jobs.failureReason(instance)).isEqualTo(reason);
      BpmnAwareTests.assertThat(instance)
          .variables()
          .containsEntry("failureCode", "instance-action-failed");
    }
  }

  @Test
  void aStepThatFailsFourTimesIsRetriedAndTheProcessEndsNormally() {
    for (Step flaky : jobSteps()) {
      recordDelegates();
      delegates.failTimes(flaky.beanName(), 4, DAEMON_DOWN);
      ProcessInstance instance = start();
      Jobs.runUntilWaitingAt(instance, flaky.activityId());

      for (int failures = 1; failures <= 4; failures++) {
        Jobs.attempt(instance, flaky.activityId());
        Job retry = job(flaky.activityId(), instance);
        assertThat(retry.getRetries()).as(flaky.activityId()).isEqualTo(5 - failures);
        assertThat(retry.getDuedate()).isEqualTo(Jobs.fromNow(flaky.retryWait()));
      }
      execute(job(flaky.activityId(), instance));
      Jobs.runAll();

      BpmnAwareTests.assertThat(instance).isEnded().hasPassed(endEventId);
      assertThat(Jobs.incident(instance)).isNull();
      assertThat(delegates.calls())
          .as(flaky.activityId())
          .containsExactlyElementsOf(Step.beanNames(steps));
    }
  }

  @Test
  void aStepThatKeepsFailingRaisesAnIncidentThereAndGoesNoFurther() {
    for (Step broken : jobSteps()) {
      recordDelegates();
      delegates.failTimes(broken.beanName(), Integer.MAX_VALUE, DAEMON_DOWN);
      ProcessInstance instance = start();
      Jobs.runUntilWaitingAt(instance, broken.activityId());

      Jobs.attempt(instance, broken.activityId(), 5);

      assertThat(job(broken.activityId(), instance).getRetries()).isZero();
      Incident incident = Jobs.incident(instance);
      assertThat(incident.getActivityId()).isEqualTo(broken.activityId());
      assertThat(incident.getIncidentMessage()).contains(DAEMON_DOWN);
      BpmnAwareTests.assertThat(instance).isNotEnded().isWaitingAt(broken.activityId());
      assertThat(delegates.calls())
          .as(broken.activityId())
          .containsExactlyElementsOf(beansBefore(broken));
    }
  }

  private void recordDelegates() {
    Stream<Step> all =
        Stream.concat(steps.stream(), Stream.of(failure.mark(), failure.notification()));
    delegates = new RecordingDelegates(all.map(Step::beanName).distinct().toList());
  }

  private ProcessInstance start() {
    return runtimeService()
        .startProcessInstanceByKey(processKey, INSTANCE_ID, Map.of("instanceId", INSTANCE_ID));
  }

  private List<Step> jobSteps() {
    return steps.stream().filter(Step::isJob).toList();
  }

  /** The beans of the steps that come before the given one. */
  private List<String> beansBefore(Step step) {
    return Step.beanNames(steps.subList(0, steps.indexOf(step)));
  }
}
