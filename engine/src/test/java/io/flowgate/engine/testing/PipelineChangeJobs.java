package io.flowgate.engine.testing;

import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;

/**
 * Drives the jobs of a pipeline-change process the way the job executor would, in contexts where it
 * is off: its expiry timer now, or the steps after the approvals.
 */
public final class PipelineChangeJobs {

  private PipelineChangeJobs() {}

  /** Lets the approval time run out now, then runs what follows (the change ends expired). */
  public static void expire(ProcessEngine engine, String processInstanceId) {
    ManagementService jobs = engine.getManagementService();
    Job timer = jobs.createJobQuery().processInstanceId(processInstanceId).timers().singleResult();
    jobs.executeJob(timer.getId());
    runAll(engine, processInstanceId);
  }

  /** Runs the process's jobs one after another until none is left. */
  public static void runAll(ProcessEngine engine, String processInstanceId) {
    ManagementService jobs = engine.getManagementService();
    for (int i = 0; i < 10; i++) {
      Job next =
          jobs.createJobQuery().processInstanceId(processInstanceId).messages().list().stream()
              .findFirst()
              .orElse(null);
      if (next == null) {
        return;
      }
      jobs.executeJob(next.getId());
    }
  }
}
