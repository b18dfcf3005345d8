package io.flowgate.engine.storage;

import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.storage.ObjectStoreSettings;
import io.flowgate.engine.FlowgateProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The object store that holds snapshots and instance files: MinIO/S3, or the embedded server. */
@Configuration(proxyBeanMethods = false)
class ObjectStoreConfiguration {

  @Bean
  @ConditionalOnExpression("!'${flowgate.s3.endpoint:}'.isBlank()")
  ObjectStoreSettings externalObjectStoreSettings(FlowgateProperties properties) {
    FlowgateProperties.ObjectStorage s3 = properties.s3();
    if (isBlank(s3.accessKey()) || isBlank(s3.secretKey())) {
      throw new IllegalStateException(
          "FLOWGATE_S3_ENDPOINT is set, so FLOWGATE_S3_ACCESS_KEY and FLOWGATE_S3_SECRET_KEY"
              + " must be set too");
    }
    return new ObjectStoreSettings(
        s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket(), s3.region());
  }

  @Bean(destroyMethod = "close")
  ObjectStore objectStore(ObjectStoreSettings settings) {
    ObjectStore store = new ObjectStore(settings);
    store.ensureBucket();
    return store;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
