package io.flowgate.engine.workflow;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How Flowgate's process instances are set up in the engine. */
@Configuration(proxyBeanMethods = false)
class WorkflowConfiguration {

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
