package io.flowgate.engine.device.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What runs a snapshot on a virtual device: the agent hands it the snapshot, the settings and the
 * device's credential secret, as the FlowFuse agent hands them to its launcher.
 */
public interface DeviceRuntime extends AutoCloseable {

  /**
   * Runs the snapshot with the settings (env of the settings overrides the snapshot's).
   *
   * @throws Exception when it cannot: the agent then reports {@code error}
   */
  void run(JsonNode snapshot, JsonNode settings, String credentialSecret) throws Exception;

  /** Stops whatever runs. */
  void stop();

  @Override
  default void close() {
    stop();
  }

  /** A runtime that only checks what a launcher needs, and decrypts the credentials. */
  static DeviceRuntime verifying() {
    return new DeviceRuntime() {
      @Override
      public void run(JsonNode snapshot, JsonNode settings, String credentialSecret) {
        if (!snapshot.path("flows").isArray()) {
          throw new IllegalStateException("the snapshot has no flows");
        }
        if (!snapshot.path("modules").path("node-red").isTextual()) {
          throw new IllegalStateException("the snapshot's modules lack node-red");
        }
        if (!snapshot.path("env").isObject()) {
          throw new IllegalStateException("the snapshot has no env object");
        }
        NodeRedCredentialFormat.decrypt(snapshot.path("credentials"), credentialSecret);
      }

      @Override
      public void stop() {}
    };
  }
}
