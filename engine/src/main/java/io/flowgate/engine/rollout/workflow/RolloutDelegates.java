package io.flowgate.engine.rollout.workflow;

import io.flowgate.engine.callback.CallbackSender;
import io.flowgate.engine.rollout.RolloutService;
import io.flowgate.engine.rollout.RolloutSteps;
import io.flowgate.engine.rollout.RolloutView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks and the gate listener of device-rollout, one bean per name in the model. The
 * counts of each wave become variables ({@code wave2Succeeded}, …) so Cockpit shows progress; which
 * devices are in a wave stays in Flowgate's tables.
 */
@Configuration(proxyBeanMethods = false)
class RolloutDelegates {

  @Bean
  JavaDelegate planRolloutWaves(RolloutSteps steps) {
    return execution ->
        execution.setVariable(
            "waveCount", steps.plan(rolloutId(execution), execution.getProcessInstanceId()));
  }

  @Bean
  JavaDelegate startRolloutWave(RolloutSteps steps) {
    return execution -> {
      int[] started = steps.startWave(rolloutId(execution));
      execution.setVariable("wave", started[0]);
      execution.setVariable("wave" + started[0] + "Targeted", started[1]);
    };
  }

  @Bean
  JavaDelegate judgeRolloutWave(RolloutSteps steps) {
    return execution -> {
      RolloutSteps.WaveJudgement judged = steps.judgeWave(rolloutId(execution));
      String wave = "wave" + judged.wave();
      execution.setVariable(wave + "Succeeded", judged.succeeded());
      execution.setVariable(wave + "Failed", judged.failed());
      execution.setVariable(wave + "TimedOut", judged.timedOut());
      execution.setVariable("waveOutcome", judged.outcome());
      execution.setVariable("moreWaves", judged.moreWaves());
    };
  }

  @Bean
  JavaDelegate rollBackRolloutDevices(RolloutSteps steps) {
    return execution -> steps.rollBack(rolloutId(execution));
  }

  @Bean
  JavaDelegate checkRolloutRollback(RolloutSteps steps) {
    return execution ->
        execution.setVariable("rollbackComplete", steps.rollbackDone(rolloutId(execution)));
  }

  @Bean
  JavaDelegate markRolloutPaused(RolloutSteps steps) {
    return execution -> {
      execution.getProcessInstance().setVariable("paused", true);
      steps.markState(rolloutId(execution), "paused", null, false);
    };
  }

  @Bean
  JavaDelegate markRolloutResumed(RolloutSteps steps) {
    return execution -> {
      execution.getProcessInstance().setVariable("paused", false);
      steps.markState(rolloutId(execution), "running", null, false);
    };
  }

  @Bean
  TaskListener rolloutGateListener(RolloutSteps steps) {
    return task ->
        steps.markState(
            (String) task.getVariable("rolloutId"),
            "awaiting-gate",
            "Wave done; waiting for someone to let the next wave start",
            false);
  }

  @Bean
  JavaDelegate markRolloutCompleted(RolloutSteps steps) {
    return execution -> steps.markState(rolloutId(execution), "completed", null, true);
  }

  @Bean
  JavaDelegate markRolloutRolledBack(RolloutSteps steps) {
    return execution ->
        steps.markState(rolloutId(execution), "rolled-back", reason(execution), true);
  }

  @Bean
  JavaDelegate markRolloutAborted(RolloutSteps steps) {
    return execution -> steps.markState(rolloutId(execution), "aborted", reason(execution), true);
  }

  /** POSTs the rollout's outcome with its wave counts to the requester's callback URL. */
  @Bean
  JavaDelegate notifyRolloutCallback(RolloutService rollouts, CallbackSender callbacks) {
    return execution -> {
      Object url = execution.getVariable("callbackUrl");
      if (url == null) {
        return;
      }
      RolloutView view = rollouts.view(rolloutId(execution));
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("rolloutId", view.id());
      payload.put("state", view.state());
      if (view.stateReason() != null) {
        payload.put("reason", view.stateReason());
      }
      payload.put("waves", view.waves());
      payload.put("processInstanceId", execution.getProcessInstanceId());
      payload.put("at", Instant.now().toString());
      callbacks.send(
          (String) execution.getVariable("teamId"),
          url.toString(),
          CallbackSender.deliveryId(execution),
          payload);
    };
  }

  private static String rolloutId(DelegateExecution execution) {
    return (String) execution.getVariable("rolloutId");
  }

  /** Why the rollout stopped: an abort, or the wave whose threshold broke. */
  private static String reason(DelegateExecution execution) {
    if (execution.getVariable("waveOutcome") != null
        && "breached".equals(execution.getVariable("waveOutcome"))) {
      return "Wave " + execution.getVariable("wave") + " broke its threshold";
    }
    return "Aborted on request";
  }
}
