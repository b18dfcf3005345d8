package io.flowgate.engine.device;

/**
 * A device just registered: the one answer that holds its credentials. Flowgate keeps only the
 * token's hash and the credential secret sealed, and shows neither again. {@code deviceYml} is the
 * agent's configuration file with them, ready to be saved as {@code device.yml}.
 */
public record RegisteredDevice(Device device, Credentials credentials, String deviceYml) {

  /** The device's token (for {@code Authorization: Bearer}) and its credential secret. */
  public record Credentials(String token, String credentialSecret) {
    @Override
    public String toString() {
      return "Credentials[hidden]";
    }
  }

  @Override
  public String toString() {
    return "RegisteredDevice[" + device.id() + "]";
  }
}
