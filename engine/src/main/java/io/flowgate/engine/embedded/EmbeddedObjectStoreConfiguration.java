package io.flowgate.engine.embedded;

import io.flowgate.connectors.storage.ObjectStoreSettings;
import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts an S3 server (s3proxy) on loopback with its objects in {@code $FLOWGATE_DATA/objects} when
 * no external endpoint is configured. The keys are new on every start: only this process talks to
 * it, and the objects live on disk regardless.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${flowgate.s3.endpoint:}'.isBlank()")
class EmbeddedObjectStoreConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedObjectStoreConfiguration.class);

  @Bean
  EmbeddedS3 embeddedS3(DataFolder data, FlowgateProperties properties) throws Exception {
    Path objects = data.resolve("objects");
    String accessKey = "flowgate-" + randomHex(8);
    String secretKey = randomHex(32);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FilesystemNio2BlobStore(objects.toString()))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
    proxy.start();
    waitUntilStarted(proxy);
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    log.info("Embedded S3 server on {} with objects in {}", endpoint, objects);
    return new EmbeddedS3(
        proxy,
        new ObjectStoreSettings(
            endpoint, accessKey, secretKey, properties.s3().bucket(), properties.s3().region()));
  }

  @Bean
  ObjectStoreSettings objectStoreSettings(EmbeddedS3 embeddedS3) {
    return embeddedS3.settings();
  }

  private static void waitUntilStarted(S3Proxy proxy) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IOException("embedded S3 server did not start within 10 s: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** The running server and how to reach it; stopped with the application context. */
  record EmbeddedS3(S3Proxy proxy, ObjectStoreSettings settings) implements AutoCloseable {
    @Override
    public void close() {
      try {
        proxy.stop();
      } catch (Exception e) {
        log.warn("Embedded S3 server did not stop cleanly: {}", e.toString());
      }
    }
  }
}
