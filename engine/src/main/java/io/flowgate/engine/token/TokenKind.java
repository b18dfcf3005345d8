package io.flowgate.engine.token;

import java.util.Locale;

/**
 * The kinds of bearer token, told apart by their prefix. {@code API} tokens act for a team with a
 * role; {@code DEVICE} and {@code INSTANCE} tokens come with the device and instance features.
 */
public enum TokenKind {
  API("fgt_"),
  DEVICE("fgd_"),
  INSTANCE("fgi_");

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
