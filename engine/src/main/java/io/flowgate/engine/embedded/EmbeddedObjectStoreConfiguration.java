package io.flowgate.engine.embedded;

import io.flowgate.connectors.storage.ObjectStoreSettings;
import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
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
 * no external endpoint is configured. Its keys are generated on the first start and kept in {@code
 * $FLOWGATE_DATA/s3.credentials} (owner-only), never fixed ones: whoever reaches the port still
 * needs them, and an operator can reach the objects with them (a backup, a look at a snapshot).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${flowgate.s3.endpoint:}'.isBlank()")
class EmbeddedObjectStoreConfiguration {

  static final String CREDENTIALS_FILE = "s3.credentials";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedObjectStoreConfiguration.class);

  @Bean
  EmbeddedS3 embeddedS3(DataFolder data, FlowgateProperties properties) throws Exception {
    Path objects = data.resolve("objects");
    Properties keys = new Properties();
    keys.load(
        new StringReader(
            SecretFile.readOrCreate(
                data.root().resolve(CREDENTIALS_FILE),
                () ->
                    "accessKey=flowgate-"
                        + SecretFile.randomHex(8)
                        + "\nsecretKey="
                        + SecretFile.randomHex(32))));
    String accessKey = keys.getProperty("accessKey", "");
    String secretKey = keys.getProperty("secretKey", "");
    if (accessKey.isBlank() || secretKey.isBlank()) {
      throw new IllegalStateException(
          data.root().resolve(CREDENTIALS_FILE)
              + " must hold the lines accessKey=... and secretKey=...; delete it to get new keys");
    }
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

  /** The running server and how to reach it; stopped with the application context. */
  record EmbeddedS3(S3Proxy proxy, ObjectStoreSettings settings) implements AutoCloseable {
    @Override
    public String toString() {
      return "EmbeddedS3[" + settings.endpoint() + "]";
    }

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
