package io.flowgate.connectors.nodered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Node-RED's encrypted credentials format, as in {@code flows_cred.json} and in the {@code
 * credentials} of a snapshot a device agent fetches: {@code {"$": <32 hex chars of IV> + <base64
 * ciphertext>}}, AES-256-CTR with key = SHA-256 of the credential secret (UTF-8), plaintext = the
 * JSON map node id → that node's credentials. It is what {@code lib/nodes/credentials.js} of
 * Node-RED's runtime package reads and writes.
 *
 * <p>Flowgate moves credentials between instances and devices that each have their own secret, so
 * it decrypts with one and encrypts for the other. The plaintext is written canonically (object
 * keys sorted at every level, no whitespace); {@link #encryptDeterministic} also derives the IV
 * from it, so a snapshot's content, and with it its SHA-256, is the same whenever its credentials
 * are.
 *
 * <p>Nothing here logs or puts a secret or a decrypted value into an exception message.
 */
public final class NodeRedCredentials {

  /** The one key of the encrypted form. */
  private static final String ENCRYPTED_FIELD = "$";

  private static final int IV_BYTES = 16;
  private static final int IV_HEX_CHARS = 2 * IV_BYTES;
  private static final Pattern IV_HEX = Pattern.compile("[0-9a-fA-F]{" + IV_HEX_CHARS + "}");
  private static final String CIPHER = "AES/CTR/NoPadding";
  private static final String HMAC = "HmacSHA256";

  // Node's JSON.parse refuses anything after the value; so does this mapper.
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private NodeRedCredentials() {}

  /**
   * The plaintext credentials map of stored credentials.
   *
   * @param stored the content of {@code flows_cred.json}: encrypted ({@code {"$": ...}}) or, as
   *     Node-RED also accepts, plaintext already (then a copy of it is returned)
   * @param secret the credential secret they were encrypted with
   * @return node id → credentials; a new object the caller may change
   * @throws WrongCredentialSecretException when they do not decrypt to a JSON object (another
   *     secret)
   * @throws IllegalArgumentException when {@code stored} is not a JSON object or its {@code "$"} is
   *     not IV and ciphertext
   */
  public static ObjectNode decrypt(JsonNode stored, String secret) {
    Objects.requireNonNull(stored, "stored");
    byte[] key = key(secret);
    if (!stored.isObject()) {
      throw new IllegalArgumentException(
          "Node-RED credentials must be a JSON object, not " + stored.getNodeType());
    }
    if (!stored.has(ENCRYPTED_FIELD)) {
      return ((ObjectNode) stored).deepCopy();
    }
    JsonNode value = stored.get(ENCRYPTED_FIELD);
    String text = value.isTextual() ? value.asText() : "";
    if (text.length() < IV_HEX_CHARS
        || !IV_HEX.matcher(text.substring(0, IV_HEX_CHARS)).matches()) {
      throw notEncryptedFormat();
    }
    byte[] iv = HEX.parseHex(text, 0, IV_HEX_CHARS);
    byte[] ciphertext;
    try {
      ciphertext = Base64.getDecoder().decode(text.substring(IV_HEX_CHARS));
    } catch (IllegalArgumentException e) {
      throw notEncryptedFormat();
    }
    byte[] plaintext = aesCtr(Cipher.DECRYPT_MODE, key, iv, ciphertext);
    try {
      JsonNode map = JSON.readTree(strictUtf8(plaintext));
      if (map instanceof ObjectNode object) {
        return object;
      }
    } catch (CharacterCodingException | JsonProcessingException e) {
      // Not UTF-8 or not JSON: the usual result of a wrong key. No cause: it may quote the text.
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
    throw new WrongCredentialSecretException();
  }

  /**
   * Encrypts a credentials map as Node-RED does, with a random IV.
   *
   * @param plain node id → credentials
   * @param secret the credential secret of the Node-RED that is to read them
   * @return {@code {"$": ...}}
   * @throws IllegalArgumentException when {@code plain} is not a JSON object, or has a {@code "$"}
   *     key (Node-RED would take it for encrypted credentials)
   */
  public static ObjectNode encrypt(JsonNode plain, String secret) {
    byte[] key = key(secret);
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    return encrypt(canonicalPlaintext(plain), key, iv);
  }

  /**
   * Like {@link #encrypt}, but the IV is the first 16 bytes of HMAC-SHA256(key, canonical
   * plaintext): equal credentials and secret give equal output, so content-addressed snapshots do
   * not change when nothing did. It shows whether two encrypted maps are equal, and nothing else.
   */
  public static ObjectNode encryptDeterministic(JsonNode plain, String secret) {
    byte[] key = key(secret);
    byte[] plaintext = canonicalPlaintext(plain);
    byte[] iv;
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      iv = Arrays.copyOf(mac.doFinal(plaintext), IV_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(HMAC + " is not available in this JVM", e);
    }
    return encrypt(plaintext, key, iv);
  }

  /**
   * The canonical JSON of a value: object keys sorted (by UTF-16 code units) at every level, no
   * whitespace, UTF-8.
   */
  static byte[] canonicalJson(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(sorted(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Credentials cannot be written as JSON (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static byte[] canonicalPlaintext(JsonNode plain) {
    Objects.requireNonNull(plain, "plain");
    if (!plain.isObject()) {
      throw new IllegalArgumentException(
          "Node-RED credentials must be a JSON object, not " + plain.getNodeType());
    }
    if (plain.has(ENCRYPTED_FIELD)) {
      throw new IllegalArgumentException(
          "The credentials to encrypt have a \"$\" key: they look encrypted already, and Node-RED"
              + " would take them for encrypted credentials");
    }
    return canonicalJson(plain);
  }

  private static JsonNode sorted(JsonNode value) {
    if (value.isObject()) {
      List<String> names = new ArrayList<>();
      value.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode copy = JSON.createObjectNode();
      for (String name : names) {
        copy.set(name, sorted(value.get(name)));
      }
      return copy;
    }
    if (value.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      value.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return value;
  }

  private static ObjectNode encrypt(byte[] plaintext, byte[] key, byte[] iv) {
    try {
      byte[] ciphertext = aesCtr(Cipher.ENCRYPT_MODE, key, iv, plaintext);
      ObjectNode encrypted = JSON.createObjectNode();
      encrypted.put(
          ENCRYPTED_FIELD, HEX.formatHex(iv) + Base64.getEncoder().encodeToString(ciphertext));
      return encrypted;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  /** Node-RED's key: SHA-256 of the secret as UTF-8 (Node's {@code hash.update(string)}). */
  private static byte[] key(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("The credential secret is empty");
    }
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private static byte[] aesCtr(int mode, byte[] key, byte[] iv, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance(CIPHER);
      cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(CIPHER + " is not available in this JVM", e);
    }
  }

  private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
    CharBuffer chars =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes));
    return chars.toString();
  }

  private static IllegalArgumentException notEncryptedFormat() {
    return new IllegalArgumentException(
        "Node-RED credentials have a \"$\" that is not 32 hex characters of IV followed by base64"
            + " ciphertext");
  }
}
