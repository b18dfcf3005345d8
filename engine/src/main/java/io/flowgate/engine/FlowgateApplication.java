package io.flowgate.engine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Flowgate: a control plane for Node-RED whose long-running work runs as BPMN processes. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FlowgateApplication {

  public static void main(String[] args) {
    SpringApplication.run(FlowgateApplication.class, args);
  }
}
