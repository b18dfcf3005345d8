package io.flowgate.engine.snapshot.workflow;

import io.flowgate.engine.snapshot.DeploymentWorkflow;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.springframework.stereotype.Component;

/** snapshot-deployment on Camunda, started by key with the instance id as business key. */
@Component
class CamundaDeploymentWorkflow implements DeploymentWorkflow {

  static final String PROCESS = "snapshot-deployment";

  private final RuntimeService runtime;

  CamundaDeploymentWorkflow(RuntimeService runtime) {
    this.runtime = runtime;
  }

  @Override
  public String start(String instanceId, Map<String, Object> variables) {
    return runtime
        .createProcessInstanceByKey(PROCESS)
        .businessKey(instanceId)
        .processDefinitionWithoutTenantId()
        .setVariables(variables)
        .execute()
        .getId();
  }
}
