package io.flowgate.engine.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.web.ProblemResponses;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class HeartbeatFastPathConfiguration {

  /**
   * First of all filters, so a heartbeat costs neither the observation and security filters nor
   * Spring MVC; every other request under the path passes through it untouched.
   */
  @Bean
  FilterRegistrationBean<HeartbeatFastPath> heartbeatFastPath(
      LiveDevices live, ObjectMapper json, ProblemResponses problems, MeterRegistry meters) {
    FilterRegistrationBean<HeartbeatFastPath> registration =
        new FilterRegistrationBean<>(new HeartbeatFastPath(live, json, problems, meters));
    registration.addUrlPatterns("/api/v1/devices/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }
}
