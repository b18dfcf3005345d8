package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Which snapshot a stage passes on to the next stage when a promotion leaves it. */
public enum StageAction {
  /** A new snapshot of the stage's instance, taken when the promotion starts. */
  @JsonProperty("create_snapshot")
  CREATE_SNAPSHOT,
  /** The latest snapshot of the stage's instance. */
  @JsonProperty("use_latest")
  USE_LATEST,
  /** The snapshot that whoever starts the promotion names. */
  @JsonProperty("prompt")
  PROMPT;

  /** The value in JSON and in the database. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StageAction of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
