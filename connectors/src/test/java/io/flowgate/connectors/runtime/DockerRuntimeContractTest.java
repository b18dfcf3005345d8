package io.flowgate.connectors.runtime;

import io.flowgate.connectors.testing.DockerCondition;
import io.flowgate.connectors.testing.RequiresDocker;

/** The shared contract against the machine's real dockerd and the local Node-RED image. */
@RequiresDocker
class DockerRuntimeContractTest extends InstanceRuntimeContract {

  @Override
  InstanceRuntime newRuntime() {
    return DockerRuntime.fromEnvironment();
  }

  @Override
  String image() {
    return DockerCondition.nodeRedImage();
  }
}
