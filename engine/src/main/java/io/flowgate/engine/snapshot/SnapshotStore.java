package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;

/**
 * Snapshot contents in object storage at {@code snapshots/<sha256>.json}. Content is written once
 * and never changed; reading checks the bytes against their address, so a changed object is never
 * deployed or signed.
 */
@Component
class SnapshotStore {

  /** Where and how big a stored content is. */
  record Stored(String hash, long size) {}

  private final ObjectStore objects;

  SnapshotStore(ObjectStore objects) {
    this.objects = objects;
  }

  static String key(String hash) {
    return "snapshots/" + hash + ".json";
  }

  Stored save(SnapshotContent content) {
    byte[] bytes = content.canonicalBytes();
    String hash = CanonicalJson.sha256(bytes);
    if (objects.stat(key(hash)).isEmpty()) {
      objects.put(key(hash), bytes, "application/json");
    }
    return new Stored(hash, bytes.length);
  }

  SnapshotContent load(String hash) {
    byte[] bytes;
    try (InputStream in = objects.get(key(hash))) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!CanonicalJson.sha256(bytes).equals(hash)) {
      throw new IllegalStateException(
          "The stored content of snapshot " + hash + " does not match its SHA-256: refusing it");
    }
    try {
      JsonNode json = CanonicalJson.JSON.readTree(bytes);
      return SnapshotContent.fromJson(json);
    } catch (IOException e) {
      throw new IllegalStateException("The stored content of snapshot " + hash + " is not JSON", e);
    }
  }

  void delete(String hash) {
    objects.delete(key(hash));
  }
}
