package io.flowgate.engine.instance;

import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.runtime.RuntimeInfo;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** Health component {@code containerRuntime}: the runtime that hosts Node-RED instances answers. */
@Component("containerRuntimeHealthIndicator")
class ContainerRuntimeHealthIndicator extends AbstractHealthIndicator {

  private final InstanceRuntime runtime;

  ContainerRuntimeHealthIndicator(InstanceRuntime runtime) {
    super("The container runtime does not answer");
    this.runtime = runtime;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    RuntimeInfo info = runtime.ping();
    builder
        .up()
        .withDetail("kind", info.kind())
        .withDetail("version", info.version())
        .withDetail("detail", info.detail());
  }
}
