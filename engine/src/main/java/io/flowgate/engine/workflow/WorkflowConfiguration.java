package io.flowgate.engine.workflow;

import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How Flowgate's process instances are set up in the engine. */
@Configuration(proxyBeanMethods = false)
class WorkflowConfiguration {

  /**
   * This node's name in job locks: {@code FLOWGATE_NODE_NAME}, else the host name and the data
   * folder, which the data folder lock keeps unique on one host.
   */
  @Bean
  ProcessEnginePlugin nodeJobLocks(FlowgateProperties properties) throws IOException {
    String name = properties.nodeName();
    if (name == null || name.isBlank()) {
      String host = InetAddress.getLocalHost().getHostName();
      String folder = properties.data().toAbsolutePath().normalize().toString();
      name = host + ":" + Integer.toHexString(folder.hashCode());
    }
    return new NodeJobLocks(name.strip());
  }

  /** Only for the fault suite: see {@link FaultPoints}. */
  @Bean
  @ConditionalOnProperty("flowgate.faults.hold-at")
  ProcessEnginePlugin faultPoints(@Value("${flowgate.faults.hold-at}") Set<String> points) {
    return new FaultPoints(points);
  }

  @Bean
  ProcessEnginePlugin organizationTenants() {
    return new AbstractProcessEnginePlugin() {
      @Override
      public void preInit(ProcessEngineConfigurationImpl configuration) {
        configuration.setTenantIdProvider(new OrganizationTenantIdProvider());
      }
    };
  }
}
