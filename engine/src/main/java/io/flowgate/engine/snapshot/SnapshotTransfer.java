package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.connectors.nodered.WrongCredentialSecretException;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.LiveInstances;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Export and import ({@value #FORMAT}): the snapshot's content with its secrets re-encrypted for a
 * secret the user chooses, the SHA-256 of that content, and a check value of the secret. An import
 * checks both before it stores anything, so a changed file or a wrong secret is refused.
 */
@Service
public class SnapshotTransfer {

  static final String FORMAT = "flowgate.snapshot-export/1";
  static final int MIN_SECRET_LENGTH = 12;

  private final SnapshotService service;
  private final SnapshotStore store;
  private final SnapshotKey key;
  private final AuditLog audit;
  private final StageProtection protection;
  private final Clock clock;

  SnapshotTransfer(
      SnapshotService service,
      SnapshotStore store,
      SnapshotKey key,
      AuditLog audit,
      StageProtection protection,
      Clock clock) {
    this.service = service;
    this.store = store;
    this.key = key;
    this.audit = audit;
    this.protection = protection;
    this.clock = clock;
  }

  @Transactional
  public ObjectNode export(Caller caller, String snapshotId, String secret) {
    requireSecret(secret);
    Snapshot snapshot = service.visible(caller, snapshotId, TeamAction.WRITE);
    SnapshotContent content = store.load(snapshot.hash()).open(key.secret()).seal(secret);
    ObjectNode doc = CanonicalJson.JSON.createObjectNode();
    doc.put("format", FORMAT);
    doc.put("name", snapshot.name());
    doc.put("description", snapshot.description());
    doc.put("sourceSnapshotId", snapshot.id());
    doc.put("sourceHash", snapshot.hash());
    doc.put("exportedAt", Instant.now(clock).toString());
    doc.put("secretCheck", secretCheck(secret));
    ObjectNode json = content.toJson();
    doc.put("hash", CanonicalJson.sha256(CanonicalJson.bytes(json)));
    doc.set("content", json);
    audit.record(SnapshotService.event(caller.actor(), "snapshot.exported", snapshot, Map.of()));
    return doc;
  }

  @Transactional
  public Snapshot importInto(Caller caller, String instanceId, String secret, JsonNode doc) {
    requireSecret(secret);
    LiveInstances.Target instance = service.instance(caller, instanceId, TeamAction.WRITE);
    protection.checkInstance(
        caller, SnapshotService.protectedInstance(instance), "import a snapshot into it");
    if (doc == null || !doc.isObject() || !FORMAT.equals(doc.path("format").asText())) {
      throw ApiProblem.invalid("snapshot", "must be an export file of format " + FORMAT);
    }
    JsonNode json = doc.get("content");
    if (json == null || !json.isObject()) {
      throw ApiProblem.invalid("snapshot.content", "is missing");
    }
    String hash = CanonicalJson.sha256(CanonicalJson.bytes(json));
    if (!hash.equals(doc.path("hash").asText())) {
      throw ApiProblem.invalid(
          "snapshot.content",
          "does not match the file's hash (SHA-256 "
              + hash
              + "): the file was changed or is incomplete");
    }
    if (!MessageDigest.isEqual(
        secretCheck(secret).getBytes(StandardCharsets.US_ASCII),
        doc.path("secretCheck").asText().getBytes(StandardCharsets.US_ASCII))) {
      throw ApiProblem.invalid("secret", "is not the secret this file was exported with");
    }
    SnapshotContent.Plain plain;
    try {
      plain = SnapshotContent.fromJson(json).open(secret);
    } catch (IllegalArgumentException e) {
      // includes WrongCredentialSecretException
      throw ApiProblem.invalid(
          e instanceof WrongCredentialSecretException ? "secret" : "snapshot.content",
          e.getMessage());
    }
    String name = TextSanitizer.plain(doc.path("name").asText(""));
    Snapshot snapshot =
        service.record(
            instance,
            plain.seal(key.secret()),
            name.isEmpty() ? "Imported snapshot" : truncate(name, 200),
            doc.hasNonNull("description")
                ? truncate(TextSanitizer.plain(doc.get("description").asText()), 2000)
                : null,
            SnapshotKind.IMPORT,
            caller.actor(),
            null);
    audit.record(
        SnapshotService.event(
            caller.actor(),
            "snapshot.imported",
            snapshot,
            Map.of("sourceHash", doc.path("sourceHash").asText(""))));
    return snapshot;
  }

  private static void requireSecret(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw ApiProblem.invalid(
          "secret", "must be at least " + MIN_SECRET_LENGTH + " characters; keep it safe");
    }
  }

  /** HMAC-SHA256 of a fixed text under SHA-256(secret): tells a wrong secret without the data. */
  static String secretCheck(String secret) {
    try {
      byte[] keyBytes =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(FORMAT.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 and HMAC are part of every JDK", e);
    }
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max);
  }
}
