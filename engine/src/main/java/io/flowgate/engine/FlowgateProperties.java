package io.flowgate.engine;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
    @DefaultValue Runtime runtime,
    @DefaultValue Instances instances,
    @DefaultValue Files files,
    @DefaultValue Snapshots snapshots,
    @DefaultValue Devices devices,
    String secretKey,
    String nodeName) {

  @Override
  public String toString() {
    return "FlowgateProperties[data=" + data + ", s3=" + s3 + ", runtime=" + runtime + "]";
  }

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

  /**
   * Hosted instances: where their editors are reached, the host ports they may take, default
   * limits, the team quota and how often the reconciler looks at them.
   *
   * @param host the host name in instance URLs
   * @param ports the host ports instances listen on, as {@code from-to}
   * @param cpus default CPU limit of an instance
   * @param memoryMb default memory limit in MB
   * @param teamQuota instances a team may have unless its own quota says otherwise
   * @param provisioningTimeout how long provisioning may take before it is undone
   * @param reconcileInterval how often running instances are checked
   * @param maxRestarts automatic restarts of a crashing instance within {@code restartWindow}
   * @param restartWindow the window {@code maxRestarts} counts in
   * @param callbackTimeout how long a callback receiver may take to answer
   * @param stacks Node-RED images teams may choose besides the platform's own
   * @param caFile PEM certificates instances trust besides the public ones (a TLS-inspecting proxy,
   *     a private npm registry), or null
   * @param apiUrl Flowgate's own address as the instances reach it (for their files); null: {@code
   *     http://<host>:<server port>}
   */
  public record Instances(
      @DefaultValue("localhost") String host,
      @DefaultValue("18800-18999") String ports,
      @DefaultValue("1.0") double cpus,
      @DefaultValue("512") long memoryMb,
      @DefaultValue("10") int teamQuota,
      @DefaultValue("PT10M") Duration provisioningTimeout,
      @DefaultValue("PT10S") Duration reconcileInterval,
      @DefaultValue("5") int maxRestarts,
      @DefaultValue("PT10M") Duration restartWindow,
      @DefaultValue("PT10S") Duration callbackTimeout,
      List<String> stacks,
      Path caFile,
      URI apiUrl) {

    public Instances {
      stacks = stacks == null ? List.of() : stacks.stream().filter(s -> !s.isBlank()).toList();
    }

    /** The API address given to instances, or null when it follows from host and port. */
    public URI apiUrl() {
      return apiUrl == null || apiUrl.toString().isBlank() ? null : apiUrl;
    }

    public int portFrom() {
      return portRange()[0];
    }

    public int portTo() {
      return portRange()[1];
    }

    private int[] portRange() {
      String[] parts = ports.strip().split("-", 2);
      try {
        int from = Integer.parseInt(parts[0].strip());
        int to = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : from;
        if (from < 1024 || to > 65535 || from > to) {
          throw new NumberFormatException();
        }
        return new int[] {from, to};
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            "FLOWGATE_INSTANCE_PORTS must be a range like 18800-18999 within 1024-65535, not '"
                + ports
                + "'");
      }
    }
  }

  /**
   * @param autoKept how many automatic snapshots (taken before each deploy) each instance keeps
   */
  public record Snapshots(@DefaultValue("10") int autoKept) {
    public Snapshots {
      if (autoKept < 1) {
        throw new IllegalStateException(
            "FLOWGATE_AUTO_SNAPSHOTS_KEPT must be at least 1: a running deploy needs its backup");
      }
    }
  }

  /**
   * Edge devices.
   *
   * @param apiUrl Flowgate's address as devices reach it (the {@code forgeURL} of their {@code
   *     device.yml}); null: {@code http://<instance host>:<server port>}
   * @param flushInterval how often the heartbeats received are written to the database (in one
   *     statement); they are answered from memory in between
   * @param refreshInterval how often this node looks for devices changed or tokens revoked by
   *     another (or by itself): a revoked device token stops working within about this time
   */
  public record Devices(
      URI apiUrl,
      @DefaultValue("PT1S") Duration flushInterval,
      @DefaultValue("PT1S") Duration refreshInterval) {

    /** The address given to devices, or null when it follows from host and port. */
    public URI apiUrl() {
      return apiUrl == null || apiUrl.toString().isBlank() ? null : apiUrl;
    }
  }

  /**
   * Instance files.
   *
   * @param teamQuota bytes of files a team may keep unless its own quota says otherwise
   */
  public record Files(@DefaultValue("1GB") DataSize teamQuota) {}
}
