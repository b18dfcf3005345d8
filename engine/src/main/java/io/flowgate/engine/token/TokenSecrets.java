package io.flowgate.engine.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret part of bearer tokens: a kind prefix ({@code fgt_}, {@code fgd_}, {@code fgi_}, {@code
 * fgp_}, so secret scanners and people recognise them) and 32 random bytes in URL-safe Base64. Only
 * the SHA-256 of the whole token is stored.
 */
public final class TokenSecrets {

  private static final int RANDOM_BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile("fg[tdip]_[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  static String newToken(TokenKind kind) {
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    return kind.prefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }

  /** The kind of a well-formed token, or empty for anything that cannot be one of ours. */
  public static Optional<TokenKind> kindOf(String token) {
    if (token == null || !FORMAT.matcher(token).matches()) {
      return Optional.empty();
    }
    for (TokenKind kind : TokenKind.values()) {
      if (token.startsWith(kind.prefix())) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
