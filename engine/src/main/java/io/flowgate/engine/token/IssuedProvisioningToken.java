package io.flowgate.engine.token;

/** A provisioning token just made, with its secret: the one time it is shown. */
public record IssuedProvisioningToken(ProvisioningToken provisioningToken, String token) {
  @Override
  public String toString() {
    return "IssuedProvisioningToken[id=" + provisioningToken.id() + "]";
  }
}
