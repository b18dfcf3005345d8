package io.flowgate.engine.instance;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where an instance is in its life; the API writes these in lower case. */
public enum InstanceState {
  PROVISIONING,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED,
  SUSPENDED,
  CRASHED,
  FAILED,
  DELETING;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static InstanceState of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
