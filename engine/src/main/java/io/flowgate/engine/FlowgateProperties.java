package io.flowgate.engine;

import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Flowgate's own settings. Every value comes from an environment variable named in {@code
 * application.yml}; a blank database URL or S3 endpoint switches on the embedded server.
 */
@ConfigurationProperties("flowgate")
public record FlowgateProperties(
    @DefaultValue("./data") Path data,
    @DefaultValue Database db,
    @DefaultValue ObjectStorage s3,
    @DefaultValue Admin admin,
    @DefaultValue Runtime runtime) {

  public record Database(String url, String user, String password) {
    public boolean embedded() {
      return url == null || url.isBlank();
    }
  }

  public record ObjectStorage(
      URI endpoint,
      String accessKey,
      String secretKey,
      @DefaultValue("flowgate") String bucket,
      @DefaultValue("us-east-1") String region) {
    public boolean embedded() {
      return endpoint == null || endpoint.toString().isBlank();
    }

    @Override
    public String toString() {
      return "ObjectStorage[endpoint=" + endpoint + ", bucket=" + bucket + "]";
    }
  }

  public record Admin(@DefaultValue("admin") String user, String password) {
    @Override
    public String toString() {
      return "Admin[user=" + user + "]";
    }
  }

  /**
   * Where Node-RED instances run: {@code auto} takes Docker when its daemon answers, else local
   * Node-RED processes.
   */
  public record Runtime(
      @DefaultValue("auto") Kind kind,
      @DefaultValue("unix:///var/run/docker.sock") String dockerHost,
      @DefaultValue("flowgate/node-red:4.1.8") String nodeRedImage,
      Path nodeRedHome) {
    public enum Kind {
      AUTO,
      DOCKER,
      LOCAL
    }
  }
}
