package io.flowgate.engine.organization;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** A user's role in their organization: admins manage its teams and users. */
public enum OrganizationRole {
  @JsonProperty("member")
  MEMBER,
  @JsonProperty("admin")
  ADMIN;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OrganizationRole of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
