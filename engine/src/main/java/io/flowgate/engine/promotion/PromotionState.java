package io.flowgate.engine.promotion;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a promotion is. The last five are final. */
public enum PromotionState {
  RESOLVING,
  AWAITING_APPROVAL,
  DEPLOYING,
  COMPLETED,
  REJECTED,
  EXPIRED,
  ROLLED_BACK,
  FAILED;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public boolean isFinal() {
    return ordinal() >= COMPLETED.ordinal();
  }

  static PromotionState of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
