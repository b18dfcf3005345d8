package io.flowgate.engine.instance;

import io.flowgate.connectors.runtime.DockerRuntime;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.runtime.LocalProcessRuntime;
import io.flowgate.connectors.runtime.RuntimeUnavailableException;
import io.flowgate.engine.FlowgateProperties;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses where Node-RED instances run: Docker when its daemon answers (or when asked for), else
 * Node-RED as local child processes.
 */
@Configuration(proxyBeanMethods = false)
class InstanceRuntimeConfiguration {

  private static final Logger log = LoggerFactory.getLogger(InstanceRuntimeConfiguration.class);

  @Bean(destroyMethod = "close")
  InstanceRuntime instanceRuntime(FlowgateProperties properties) {
    FlowgateProperties.Runtime settings = properties.runtime();
    InstanceRuntime runtime =
        switch (settings.kind()) {
          case DOCKER -> docker(settings);
          case LOCAL -> localRuntime(properties);
          case AUTO -> dockerIfItAnswers(properties);
        };
    log.info("Node-RED instances run on the {} runtime", runtime.kind());
    return runtime;
  }

  private static InstanceRuntime dockerIfItAnswers(FlowgateProperties properties) {
    DockerRuntime docker = docker(properties.runtime());
    try {
      docker.ping();
      return docker;
    } catch (RuntimeUnavailableException e) {
      log.info("Docker does not answer ({}); using local Node-RED processes", e.getMessage());
      docker.close();
      return localRuntime(properties);
    }
  }

  private static DockerRuntime docker(FlowgateProperties.Runtime settings) {
    return new DockerRuntime(DockerRuntime.Settings.of(settings.dockerHost()));
  }

  private static InstanceRuntime localRuntime(FlowgateProperties properties) {
    Path home = properties.data().resolve("runtime").toAbsolutePath();
    return new LocalProcessRuntime(home, properties.runtime().nodeRedHome());
  }
}
