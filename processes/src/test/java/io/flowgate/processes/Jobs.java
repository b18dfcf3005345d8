package io.flowgate.processes;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.historyService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Duration;
import java.util.Date;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;

/**
 * Drives a process's jobs the way the job executor would (which the test engine keeps off), and
 * reads what a process left behind.
 *
 * <p>Before each job it moves the engine clock a second on, as time passes between jobs: the engine
 * runs compensation handlers in reverse order of when their steps completed, and steps that
 * complete within the same millisecond have no order. Tests call {@link ClockUtil#reset()}
 * afterwards.
 */
final class Jobs {

  private Jobs() {}

  /** Runs every job that is due, oldest first, until none is left; a failed retry waits. */
  static void runAll() {
    for (Job next = nextDue(); next != null; next = nextDue()) {
      tick();
      execute(next);
    }
  }

  /** Runs due jobs until the process waits in front of the activity. */
  static void runUntilWaitingAt(ProcessInstance instance, String activityId) {
    while (!runtimeService().getActiveActivityIds(instance.getId()).contains(activityId)) {
      tick();
      execute(nextDue());
    }
  }

  /**
   * Runs the job of the activity once, at once even when its retry is not due yet, as the job
   * executor would when the retry time comes; a failure is recorded on the job.
   */
  static void attempt(ProcessInstance instance, String activityId) {
    tick();
    try {
      managementService().executeJob(job(activityId, instance).getId());
    } catch (RuntimeException expected) {
      // the engine records the failure on the job and counts its retries down
    }
  }

  /** Runs the job of the activity the given number of times, each attempt as above. */
  static void attempt(ProcessInstance instance, String activityId, int times) {
    for (int attempt = 1; attempt <= times; attempt++) {
      attempt(instance, activityId);
    }
  }

  /** The engine's time now plus the duration: when a job that failed now is tried again. */
  static Date fromNow(Duration duration) {
    return Date.from(ClockUtil.getCurrentTime().toInstant().plus(duration));
  }

  /** The one incident of the process, or null. */
  static Incident incident(ProcessInstance instance) {
    return runtimeService()
        .createIncidentQuery()
        .processInstanceId(instance.getId())
        .singleResult();
  }

  /** The failure reason the process kept (not a step's local copy of it). */
  static String failureReason(ProcessInstance instance) {
    return (String)
        historyService()
            .createHistoricVariableInstanceQuery()
            .processInstanceId(instance.getId())
            .activityInstanceIdIn(instance.getId())
            .variableName("failureReason")
            .singleResult()
            .getValue();
  }

  private static void tick() {
    ClockUtil.setCurrentTime(fromNow(Duration.ofSeconds(1)));
  }

  private static Job nextDue() {
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
}
