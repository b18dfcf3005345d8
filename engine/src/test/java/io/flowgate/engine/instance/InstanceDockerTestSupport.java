package io.flowgate.engine.instance;

import io.flowgate.connectors.testing.RequiresDocker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Instances on the real Docker daemon with the locally built Node-RED image. */
@RequiresDocker
public abstract class InstanceDockerTestSupport extends InstanceTestSupport {

  protected static final String MISSING_IMAGE = "flowgate/node-red:not-built-here";

  @DynamicPropertySource
  static void docker(DynamicPropertyRegistry registry) {
    registry.add("flowgate.runtime.kind", () -> "docker");
    registry.add(
        "flowgate.runtime.node-red-image", () -> System.getProperty("flowgate.node-red.image"));
    registry.add("flowgate.instances.ports", () -> "19100-19139");
    registry.add("flowgate.instances.stacks", () -> MISSING_IMAGE);
  }
}
