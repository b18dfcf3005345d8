package io.flowgate.engine.workflow.lockdown;

import io.flowgate.engine.audit.AuditLog;
import jakarta.servlet.DispatcherType;
import java.util.Set;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/** The engine runs only Flowgate's models, and outside routes cannot move or forge them. */
@Configuration(proxyBeanMethods = false)
class EngineLockdownConfiguration {

  @Bean
  EngineRefusals engineRefusals(
      JdbcClient jdbc, AuditLog audit, PlatformTransactionManager transactions) {
    return new EngineRefusals(jdbc, audit, transactions);
  }

  @Bean
  ProcessEnginePlugin engineLockdown(EngineRefusals refusals, ApplicationContext context) {
    return new EngineLockdown(refusals, context);
  }

  @Bean
  FilterRegistrationBean<OutsideRouteFilter> outsideRouteFilter() {
    FilterRegistrationBean<OutsideRouteFilter> registration =
        new FilterRegistrationBean<>(
            new OutsideRouteFilter(
                Set.of(DispatcherServletAutoConfiguration.DEFAULT_DISPATCHER_SERVLET_BEAN_NAME)));
    registration.addUrlPatterns("/*");
    registration.setDispatcherTypes(
        DispatcherType.REQUEST,
        DispatcherType.FORWARD,
        DispatcherType.INCLUDE,
        DispatcherType.ASYNC,
        DispatcherType.ERROR);
    // after the identity filters: who calls is known when a command is refused
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 2);
    return registration;
  }
}
