package io.flowgate.engine.rollout.workflow;

import io.flowgate.engine.rollout.RolloutWorkflow;
import java.util.Map;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/** device-rollout on Camunda: started by key, steered by messages. */
@Component
class CamundaRolloutWorkflow implements RolloutWorkflow {

  static final String PROCESS = "device-rollout";

  private final RuntimeService runtime;

  CamundaRolloutWorkflow(RuntimeService runtime) {
    this.runtime = runtime;
  }

  @Override
  public String start(String rolloutId, Map<String, Object> variables) {
    return runtime
        .createProcessInstanceByKey(PROCESS)
        .businessKey(rolloutId)
        .processDefinitionWithoutTenantId()
        .setVariables(variables)
        .execute()
        .getId();
  }

  @Override
  public boolean signal(String processInstanceId, String message) {
    try {
      runtime
          .createMessageCorrelation(message)
          .processInstanceId(processInstanceId)
          .correlateWithResult();
      return true;
    } catch (MismatchingMessageCorrelationException e) {
      return false;
    }
  }
}
