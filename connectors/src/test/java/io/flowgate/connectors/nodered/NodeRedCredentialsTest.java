package io.flowgate.connectors.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeRedCredentials} on its own; {@link NodeRedCredentialsCompatibilityTest} checks it
 * against a running Node-RED.
 */
class NodeRedCredentialsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "flowgate-unit-secret";
  private static final String ENCRYPTED = "[0-9a-f]{32}[A-Za-z0-9+/]+={0,2}";

  private static final String CREDENTIALS =
      """
      {"fg-request": {"user": "alice", "password": "s3cr3t"},
       "fg-broker": {"password": "pässwörd €", "user": "bøb", "retries": 3, "tls": true,
                     "nested": {"z": 1, "a": [{"y": null, "b": "x"}]}}}
      """;

  @Test
  void decryptsWhatNodeRed418Wrote() throws Exception {
    // flows_cred.json of a Node-RED 4.1.8 with credentialSecret 'exp-secret', after deploying
    // an http request node with basic-auth credentials, and after deploying it away again.
    JsonNode withNode =
        JSON.readTree(
            """
            {"$":"845cb6358ae9d5ee3ef873f1a67c19d1scLfG2jCPDojwBNMAPeODU8crwJ8XmFzaCC702Fk1Zwm7/8/YZltH05rLw=="}
            """);
    JsonNode empty = JSON.readTree("{\"$\":\"d1745d96e6729579ae672bfafb0dd1060c8=\"}");

    assertThat(NodeRedCredentials.decrypt(withNode, "exp-secret"))
        .isEqualTo(JSON.readTree("{\"h1\": {\"user\": \"alice\", \"password\": \"s3cr3t\"}}"));
    assertThat(NodeRedCredentials.decrypt(empty, "exp-secret")).isEmpty();
  }

  @Test
  void whatIsEncryptedDecryptsToTheSameMap() throws Exception {
    JsonNode plain = JSON.readTree(CREDENTIALS);

    ObjectNode first = NodeRedCredentials.encrypt(plain, SECRET);
    ObjectNode second = NodeRedCredentials.encrypt(plain, SECRET);

    assertThat(first.properties())
        .singleElement()
        .satisfies(e -> assertThat(e.getKey()).isEqualTo("$"));
    assertThat(first.get("$").asText()).matches(ENCRYPTED);
    assertThat(second.get("$").asText())
        .as("a random IV each time")
        .isNotEqualTo(first.get("$").asText());
    assertThat(NodeRedCredentials.decrypt(first, SECRET)).isEqualTo(plain);
    assertThat(NodeRedCredentials.decrypt(second, SECRET)).isEqualTo(plain);
  }

  @Test
  void deterministicEncryptionDependsOnContentAndSecretOnly() throws Exception {
    JsonNode plain = JSON.readTree(CREDENTIALS);
    // The same map with every object's keys in another order.
    JsonNode reordered =
        JSON.readTree(
            """
            {"fg-broker": {"nested": {"a": [{"b": "x", "y": null}], "z": 1}, "tls": true,
                           "retries": 3, "user": "bøb", "password": "pässwörd €"},
             "fg-request": {"password": "s3cr3t", "user": "alice"}}
            """);
    ObjectNode changed = plain.deepCopy();
    ((ObjectNode) changed.get("fg-request")).put("password", "s3cr3T");

    ObjectNode encrypted = NodeRedCredentials.encryptDeterministic(plain, SECRET);

    assertThat(encrypted.get("$").asText()).matches(ENCRYPTED);
    assertThat(NodeRedCredentials.encryptDeterministic(plain, SECRET)).isEqualTo(encrypted);
    assertThat(NodeRedCredentials.encryptDeterministic(reordered, SECRET)).isEqualTo(encrypted);
    assertThat(NodeRedCredentials.encryptDeterministic(changed, SECRET)).isNotEqualTo(encrypted);
    assertThat(NodeRedCredentials.encryptDeterministic(plain, SECRET + "2"))
        .isNotEqualTo(encrypted);
    assertThat(NodeRedCredentials.decrypt(encrypted, SECRET)).isEqualTo(plain);
  }

  @Test
  void deterministicIvIsTheHmacOfTheCanonicalPlaintext() throws Exception {
    // Pinned: snapshot hashes depend on these bytes, so they must not drift with a refactoring.
    String canonical =
        "{\"b\":{\"password\":\"p\",\"user\":\"u\"},\"a\":{\"x\":[2,{\"k\":\"v\"}]}}";
    String sorted = "{\"a\":{\"x\":[2,{\"k\":\"v\"}]},\"b\":{\"password\":\"p\",\"user\":\"u\"}}";
    JsonNode plain = JSON.readTree(canonical);
    assertThat(new String(NodeRedCredentials.canonicalJson(plain), StandardCharsets.UTF_8))
        .isEqualTo(sorted);

    byte[] key =
        MessageDigest.getInstance("SHA-256").digest(SECRET.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] iv = Arrays.copyOf(mac.doFinal(sorted.getBytes(StandardCharsets.UTF_8)), 16);

    String value = NodeRedCredentials.encryptDeterministic(plain, SECRET).get("$").asText();

    assertThat(value).startsWith(HexFormat.of().formatHex(iv));
  }

  @Test
  void aWrongSecretIsRefusedWithoutTellingSecretOrContent() throws Exception {
    JsonNode plain = JSON.readTree(CREDENTIALS);
    ObjectNode encrypted = NodeRedCredentials.encrypt(plain, SECRET);
    String wrong = "not-" + SECRET;

    assertThatThrownBy(() -> NodeRedCredentials.decrypt(encrypted, wrong))
        .isInstanceOf(WrongCredentialSecretException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret does not match")
        .hasNoCause()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain(wrong, SECRET, "s3cr3t", "alice", "fg-request"));
  }

  @Test
  void plaintextCredentialsAreReturnedAsACopy() throws Exception {
    // Node-RED reads a flows_cred.json without "$" as plaintext (credentialSecret: false).
    ObjectNode stored = (ObjectNode) JSON.readTree(CREDENTIALS);

    ObjectNode plain = NodeRedCredentials.decrypt(stored, SECRET);

    assertThat(plain).isEqualTo(stored).isNotSameAs(stored);
    ((ObjectNode) plain.get("fg-request")).put("password", "changed");
    assertThat(stored.at("/fg-request/password").asText()).isEqualTo("s3cr3t");
  }

  @Test
  void whatIsNotTheFormatIsRefusedAsSuch() throws Exception {
    String iv = "00112233445566778899aabbccddeeff";
    for (String stored :
        new String[] {
          "{\"$\": 5}", "{\"$\": \"abc\"}", "{\"$\": \"" + iv + "!!not base64!!\"}", "[]", "\"x\""
        }) {
      assertThatThrownBy(() -> NodeRedCredentials.decrypt(JSON.readTree(stored), SECRET))
          .as(stored)
          .isInstanceOf(IllegalArgumentException.class)
          .isNotInstanceOf(WrongCredentialSecretException.class);
    }
    assertThatThrownBy(() -> NodeRedCredentials.encrypt(JSON.readTree("[1]"), SECRET))
        .isInstanceOf(IllegalArgumentException.class);
    ObjectNode encrypted = NodeRedCredentials.encrypt(JSON.readTree(CREDENTIALS), SECRET);
    assertThatThrownBy(() -> NodeRedCredentials.encryptDeterministic(encrypted, SECRET))
        .as("encrypting twice")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encrypted already");
    assertThatThrownBy(() -> NodeRedCredentials.encrypt(JSON.readTree("{}"), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret is empty");
  }
}
