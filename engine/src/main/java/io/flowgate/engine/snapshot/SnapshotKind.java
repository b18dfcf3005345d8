package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a snapshot came to be. Only automatic ones are pruned by retention. */
public enum SnapshotKind {
  /** Asked for by a person or a token. */
  MANUAL,
  /** Taken by Flowgate before a deploy, to restore if it goes wrong. */
  AUTO,
  /** Made from an export file. */
  IMPORT;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SnapshotKind of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
