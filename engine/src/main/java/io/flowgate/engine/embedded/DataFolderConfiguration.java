package io.flowgate.engine.embedded;

import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Takes the data folder before anything starts in it. */
@Configuration(proxyBeanMethods = false)
class DataFolderConfiguration {

  @Bean(destroyMethod = "close")
  DataFolder dataFolder(FlowgateProperties properties) throws IOException {
    return DataFolder.lock(properties.data());
  }
}
