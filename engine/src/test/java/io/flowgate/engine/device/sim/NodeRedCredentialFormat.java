package io.flowgate.engine.device.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts Node-RED's credentials format as a device agent's Node-RED does ({@code
 * lib/nodes/credentials.js}): {@code {"$": <32 hex chars of IV> + <base64 ciphertext>}},
 * AES-256-CTR with key = SHA-256 of the credential secret. Written apart from Flowgate's own
 * implementation, so the simulator checks the format rather than repeating it.
 */
public final class NodeRedCredentialFormat {

  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeRedCredentialFormat() {}

  /**
   * The plaintext credentials map.
   *
   * @throws IllegalArgumentException when they are not in the format or do not decrypt to a JSON
   *     object with this secret
   */
  public static ObjectNode decrypt(JsonNode encrypted, String credentialSecret) {
    if (encrypted == null || !encrypted.isObject()) {
      throw new IllegalArgumentException("credentials are not an object");
    }
    if (!encrypted.has("$")) {
      throw new IllegalArgumentException("credentials are not encrypted");
    }
    String value = encrypted.get("$").asText();
    if (value.length() < 32) {
      throw new IllegalArgumentException("credentials have no IV");
    }
    try {
      byte[] key =
          MessageDigest.getInstance("SHA-256")
              .digest(credentialSecret.getBytes(StandardCharsets.UTF_8));
      byte[] iv = HexFormat.of().parseHex(value.substring(0, 32));
      byte[] ciphertext = Base64.getDecoder().decode(value.substring(32));
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      JsonNode plain =
          JSON.readTree(new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8));
      if (plain instanceof ObjectNode object) {
        return object;
      }
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("credentials do not decrypt with this secret");
    }
    throw new IllegalArgumentException("credentials do not decrypt with this secret");
  }
}
