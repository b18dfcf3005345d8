package io.flowgate.engine.snapshot;

import java.util.Map;

/**
 * Starts snapshot-deployment; implemented in {@code snapshot.workflow}, so that this package stays
 * free of engine classes.
 */
public interface DeploymentWorkflow {

  /**
   * @param instanceId the business key
   * @return the process instance id
   */
  String start(String instanceId, Map<String, Object> variables);
}
