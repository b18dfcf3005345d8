package io.flowgate.engine.instance;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/**
 * Starts and cancels the processes that work on instances. The variables hold ids and settings,
 * never secrets: Cockpit shows every variable.
 */
@Component
class InstanceWorkflow {

  static final String PROVISIONING = "instance-provisioning";
  static final String DELETION = "instance-deletion";

  private final RuntimeService runtime;

  InstanceWorkflow(RuntimeService runtime) {
    this.runtime = runtime;
  }

  String startProvisioning(InstanceRow instance, String callbackUrl, Duration timeout) {
    Map<String, Object> variables = variables(instance, callbackUrl);
    variables.put("provisioningTimeout", timeout.toString());
    return start(PROVISIONING, instance, variables);
  }

  String startAction(InstanceAction action, InstanceRow instance, String callbackUrl) {
    return start(action.processKey(), instance, variables(instance, callbackUrl));
  }

  String startDeletion(InstanceRow instance, String callbackUrl) {
    return start(DELETION, instance, variables(instance, callbackUrl));
  }

  /** Whether the process still runs (an operator may have cancelled it in Cockpit). */
  boolean isActive(String processInstanceId) {
    return runtime.createProcessInstanceQuery().processInstanceId(processInstanceId).count() > 0;
  }

  /** Ends a process that works on an instance, e.g. a provisioning stuck in an incident. */
  void cancel(String processInstanceId, String reason) {
    runtime.deleteProcessInstanceIfExists(processInstanceId, reason, false, true, false, false);
  }

  private String start(String key, InstanceRow instance, Map<String, Object> variables) {
    return runtime
        .createProcessInstanceByKey(key)
        .businessKey(instance.id())
        .processDefinitionWithoutTenantId()
        .setVariables(variables)
        .execute()
        .getId();
  }

  private static Map<String, Object> variables(InstanceRow instance, String callbackUrl) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("instanceId", instance.id());
    variables.put("instanceName", instance.name());
    variables.put("teamId", instance.teamId());
    variables.put("organizationId", instance.organizationId());
    if (callbackUrl != null) {
      variables.put("callbackUrl", callbackUrl);
    }
    return variables;
  }
}
