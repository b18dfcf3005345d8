package io.flowgate.connectors.nodered;

/**
 * Encrypted Node-RED credentials did not decrypt to a JSON object: they were encrypted with another
 * credential secret (or are damaged). AES-CTR has no integrity check, so this is how a wrong secret
 * shows. The message names neither the secret nor anything decrypted.
 */
public class WrongCredentialSecretException extends IllegalArgumentException {

  public WrongCredentialSecretException() {
    super(
        "The credential secret does not match the credentials: they do not decrypt to a JSON"
            + " object");
  }
}
