package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.web.ProblemResponses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class DeviceAgentFastPathConfiguration {

  /**
   * First of all filters, so an agent's call costs neither the observation and security filters nor
   * Spring MVC; every other request under the path passes through it untouched.
   */
  @Bean
  FilterRegistrationBean<DeviceAgentFastPath> deviceAgentFastPath(
      LiveDevices live,
      DeviceDeliveries deliveries,
      ObjectMapper json,
      ProblemResponses problems,
      MeterRegistry meters) {
    FilterRegistrationBean<DeviceAgentFastPath> registration =
        new FilterRegistrationBean<>(
            new DeviceAgentFastPath(live, deliveries, json, problems, meters));
    registration.addUrlPatterns("/api/v1/devices/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
