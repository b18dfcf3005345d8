package io.flowgate.engine.testing;

import java.time.Duration;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
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

  /**
   * Runs the process's jobs one after another until none is left; where the job executor runs (the
   * Docker tests), waits for it to finish them instead of racing it.
   */
  public static void runAll(ProcessEngine engine, String processInstanceId) {
    ManagementService jobs = engine.getManagementService();
    boolean executorRuns =
        ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration())
            .getJobExecutor()
            .isActive();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Job next =
          jobs.createJobQuery().processInstanceId(processInstanceId).messages().list().stream()
              .findFirst()
              .orElse(null);
      if (next == null) {
        return;
      }
      if (executorRuns) {
        pause();
      } else {
        jobs.executeJob(next.getId());
      }
    }
    throw new AssertionError(
        "the jobs of process " + processInstanceId + " did not finish in 60 s");
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
