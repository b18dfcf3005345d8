package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.secret.SecretBox;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The key stored snapshots encrypt their credentials and secret env values with, derived from the
 * installation's secret key: snapshots outlive the instance (and its credential secret) they were
 * taken of, so they cannot depend on it.
 */
@Component
public class SnapshotKey {

  private final String secret;
  private final SecretKeySpec fingerprintKey;

  SnapshotKey(SecretBox secrets) {
    this.secret = secrets.derive("flowgate snapshot credentials v1");
    this.fingerprintKey =
        new SecretKeySpec(
            HexFormat.of().parseHex(secrets.derive("flowgate snapshot fingerprints v1")),
            "HmacSHA256");
  }

  /** The credential secret of stored snapshots, in Node-RED's sense (SHA-256 of it is the key). */
  String secret() {
    return secret;
  }

  /**
   * A keyed fingerprint of a secret value: equal values give equal fingerprints, so a diff can say
   * that a secret changed without showing it, and nobody can guess a value from it.
   */
  public String fingerprint(JsonNode value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(fingerprintKey);
      return HexFormat.of().formatHex(mac.doFinal(CanonicalJson.bytes(value)), 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "SnapshotKey[hidden]";
  }
}
