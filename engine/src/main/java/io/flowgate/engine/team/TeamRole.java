package io.flowgate.engine.team;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** A person's (or an API token's) role in a team: each includes the rights of the ones below. */
public enum TeamRole {
  @JsonProperty("viewer")
  VIEWER,
  @JsonProperty("member")
  MEMBER,
  @JsonProperty("owner")
  OWNER;

  public boolean includes(TeamRole other) {
    return compareTo(other) >= 0;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TeamRole of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
