package io.flowgate.engine;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Flowgate: a control plane for Node-RED whose long-running work runs as BPMN processes. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FlowgateApplication {

  public static void main(String[] args) {
    SpringApplication.run(FlowgateApplication.class, args);
  }

  /** The one source of "now", so tests can move time (token expiry, approval expiry). */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
