package io.flowgate.engine.platform;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Ids of Flowgate's entities: 16 random characters of {@code [0-9a-z]} (about 82 bits). They are
 * safe in URLs, and in Camunda tenant and group ids ({@code team-<id>-approvers}).
 */
public final class Ids {

  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final int LENGTH = 16;
  private static final Pattern WELL_FORMED = Pattern.compile("[0-9a-z]{" + LENGTH + "}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    char[] id = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  /**
   * Whether the text could be a user name at all: user names go into SQL parameters, and PostgreSQL
   * refuses some characters (NUL) outright.
   */
  public static boolean isPlausibleUsername(String username) {
    return username != null
        && !username.isEmpty()
        && username.length() <= 128
        && username
            .codePoints()
            .noneMatch(c -> Character.isISOControl(c) || (c >= 0xD800 && c <= 0xDFFF));
  }

  /** Whether the text could be an id at all; anything else is unknown without a database look. */
  public static boolean isWellFormed(String id) {
    return id != null && WELL_FORMED.matcher(id).matches();
  }
}
