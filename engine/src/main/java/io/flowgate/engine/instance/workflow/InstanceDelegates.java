package io.flowgate.engine.instance.workflow;

import io.flowgate.engine.callback.CallbackSender;
import io.flowgate.engine.instance.InstanceStepFailed;
import io.flowgate.engine.instance.InstanceSteps;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service tasks of the instance processes (instance-provisioning, -start, -stop, -restart,
 * -suspend, -deletion), one bean per task name in the models. Each reads the instance id and calls
 * one {@link InstanceSteps} step; a step that cannot succeed becomes the process's BPMN error, and
 * any other exception is left to the job's retries and, after the last, an incident.
 */
@Configuration(proxyBeanMethods = false)
class InstanceDelegates {

  static final String PROVISIONING_FAILED = "provisioning-failed";
  static final String ACTION_FAILED = "instance-action-failed";

  @Bean
  JavaDelegate validateInstanceRequest(InstanceSteps steps) {
    return step(steps::validate);
  }

  @Bean
  JavaDelegate allocateInstanceResources(InstanceSteps steps) {
    return step(steps::allocate);
  }

  @Bean
  JavaDelegate createInstanceStorage(InstanceSteps steps) {
    return step(steps::createStorage);
  }

  @Bean
  JavaDelegate createInstanceContainer(InstanceSteps steps) {
    return step(steps::createContainer);
  }

  @Bean
  JavaDelegate startInstanceContainer(InstanceSteps steps) {
    return step(steps::startContainer);
  }

  @Bean
  JavaDelegate waitForInstanceEditor(InstanceSteps steps) {
    return step(steps::waitForEditor);
  }

  @Bean
  JavaDelegate loadInitialFlows(InstanceSteps steps) {
    return step(steps::loadInitialFlows);
  }

  @Bean
  JavaDelegate stopInstanceContainer(InstanceSteps steps) {
    return step(steps::stopContainer);
  }

  @Bean
  JavaDelegate removeInstanceContainer(InstanceSteps steps) {
    return step(steps::removeContainer);
  }

  @Bean
  JavaDelegate deleteInstanceStorage(InstanceSteps steps) {
    return step(steps::deleteStorage);
  }

  @Bean
  JavaDelegate releaseInstanceResources(InstanceSteps steps) {
    return step(steps::release);
  }

  @Bean
  JavaDelegate markInstanceRunning(InstanceSteps steps) {
    return withProcess(steps::markRunning);
  }

  @Bean
  JavaDelegate markInstanceStopped(InstanceSteps steps) {
    return withProcess(steps::markStopped);
  }

  @Bean
  JavaDelegate markInstanceSuspended(InstanceSteps steps) {
    return withProcess(steps::markSuspended);
  }

  @Bean
  JavaDelegate deleteInstanceRecord(InstanceSteps steps) {
    return withProcess(steps::deleteRecord);
  }

  @Bean
  JavaDelegate markInstanceFailed(InstanceSteps steps) {
    return execution ->
        steps.markFailed(
            instanceId(execution), failureReason(execution), execution.getProcessInstanceId());
  }

  @Bean
  JavaDelegate markInstanceCrashed(InstanceSteps steps) {
    return execution ->
        steps.markCrashed(
            instanceId(execution), failureReason(execution), execution.getProcessInstanceId());
  }

  @Bean
  JavaDelegate markInstanceDeletionFailed(InstanceSteps steps) {
    return execution ->
        steps.markFailed(
            instanceId(execution),
            "Deleting failed: " + failureReason(execution),
            execution.getProcessInstanceId());
  }

  /** POSTs the instance's state now to the requester's callback URL, if one was given. */
  @Bean
  JavaDelegate notifyInstanceCallback(InstanceSteps steps, CallbackSender callbacks) {
    return execution -> {
      Object url = execution.getVariable("callbackUrl");
      if (url == null) {
        return;
      }
      String instanceId = instanceId(execution);
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("instanceId", instanceId);
      payload.put("name", execution.getVariable("instanceName"));
      // a deploy process names its operation (deploy or rollback); the others are their key
      Object operation = execution.getVariable("operation");
      payload.put(
          "operation",
          operation != null
              ? operation.toString()
              : execution.getProcessDefinitionId().split(":", 2)[0]);
      Object snapshotId = execution.getVariable("snapshotId");
      if (snapshotId != null) {
        payload.put("snapshotId", snapshotId);
      }
      payload.put("processInstanceId", execution.getProcessInstanceId());
      Optional<InstanceSteps.StateNow> now = steps.state(instanceId);
      payload.put("state", now.map(state -> state.state().value()).orElse("deleted"));
      now.map(InstanceSteps.StateNow::reason).ifPresent(reason -> payload.put("reason", reason));
      payload.put("at", Instant.now().toString());
      callbacks.send(
          (String) execution.getVariable("teamId"),
          url.toString(),
          CallbackSender.deliveryId(execution),
          payload);
    };
  }

  private static JavaDelegate step(Consumer<String> step) {
    return execution -> {
      try {
        step.accept(instanceId(execution));
      } catch (InstanceStepFailed e) {
        throw new BpmnError(errorCode(execution), e.getMessage());
      }
    };
  }

  private static JavaDelegate withProcess(BiConsumer<String, String> step) {
    return execution -> step.accept(instanceId(execution), execution.getProcessInstanceId());
  }

  static String instanceId(DelegateExecution execution) {
    return (String) execution.getVariable("instanceId");
  }

  private static String failureReason(DelegateExecution execution) {
    Object reason = execution.getVariable("failureReason");
    return reason == null ? "unknown" : reason.toString();
  }

  /** Provisioning undoes everything on its error; the lifecycle processes share another. */
  private static String errorCode(DelegateExecution execution) {
    String definition = execution.getProcessDefinitionId();
    return definition != null && definition.startsWith("instance-provisioning:")
        ? PROVISIONING_FAILED
        : ACTION_FAILED;
  }
}
