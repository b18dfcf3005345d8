package io.flowgate.engine.instance;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the reconciler does when a running instance's Node-RED ends by itself: restart it always,
 * only after a non-zero exit or a vanished container, or never (the instance stays crashed).
 */
public enum RestartPolicy {
  NEVER,
  ON_FAILURE,
  ALWAYS;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static RestartPolicy of(String value) {
    for (RestartPolicy policy : values()) {
      if (policy.value().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "restartPolicy must be one of "
            + Arrays.stream(values()).map(RestartPolicy::value).collect(Collectors.joining(", ")));
  }
}
