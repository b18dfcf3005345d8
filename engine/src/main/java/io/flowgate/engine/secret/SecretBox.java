package io.flowgate.engine.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets that Flowgate must read back (Node-RED credential secrets, editor passwords,
 * secret env values) before they go into the database: AES-256-GCM with a random nonce, written as
 * {@code v1:<base64(nonce | ciphertext | tag)>}. Tampered or foreign ciphertext fails loudly.
 */
public final class SecretBox {

  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  public SecretBox(SecretKey key) {
    if (!"AES".equals(key.getAlgorithm()) || key.getEncoded().length != 32) {
      throw new IllegalArgumentException("SecretBox needs a 256-bit AES key");
    }
    this.key = key;
  }

  public String encrypt(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed);
      return PREFIX + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  public String decrypt(String boxed) {
    if (boxed == null || !boxed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("Not a value sealed by SecretBox");
    }
    byte[] all = Base64.getDecoder().decode(boxed.substring(PREFIX.length()));
    if (all.length <= NONCE_BYTES) {
      throw new IllegalArgumentException("Sealed value is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      return new String(
          cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "A stored secret cannot be decrypted: the secret key (FLOWGATE_SECRET_KEY or"
              + " secret.key in the data folder) is not the one it was sealed with",
          e);
    }
  }

  /**
   * A key for one purpose, derived from the installation's key (HMAC-SHA256 of the purpose), as
   * lower-case hex: features that need a stable key of their own (snapshot credentials) get one
   * without another secret to keep.
   */
  public String derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  /** A random secret of {@code bytes} bytes as lower-case hex, for passwords and keys. */
  public static String randomHex(int bytes) {
    return HexFormat.of().formatHex(randomBytes(bytes));
  }

  static byte[] randomBytes(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return random;
  }
}
