package io.flowgate.engine.token;

import java.util.Locale;

/**
 * The kinds of bearer token, told apart by their prefix. {@code API} tokens act for a team with a
 * role; a {@code DEVICE} token is one device's credential for the device API, an {@code INSTANCE}
 * token one instance's for its files, and a {@code PROVISIONING} token lets device agents register
 * themselves in its team.
 */
public enum TokenKind {
  API("fgt_"),
  DEVICE("fgd_"),
  INSTANCE("fgi_"),
  PROVISIONING("fgp_");

  private final String prefix;

  TokenKind(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TokenKind of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
