package io.flowgate.connectors.storage;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * A stream of {@code length} pseudo-random bytes made on the fly (never held in memory), hashing
 * what it hands out and calling a hook once when it passes a given offset.
 */
final class GeneratedStream extends InputStream {

  private final long length;
  private final long hookOffset;
  private final LongConsumer hook;
  private final MessageDigest sha256;
  private long position;
  private long state = 0x9E3779B97F4A7C15L;
  private boolean hookCalled;

  GeneratedStream(long length, long hookOffset, LongConsumer hook) {
    this.length = length;
    this.hookOffset = hookOffset;
    this.hook = hook;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int offset, int len) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    for (int i = 0; i < n; i++) {
      // xorshift64: cheap, deterministic, incompressible enough for a storage test
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      buffer[offset + i] = (byte) state;
    }
    sha256.update(buffer, offset, n);
    position += n;
    if (!hookCalled && position >= hookOffset) {
      hookCalled = true;
      hook.accept(position);
    }
    return n;
  }

  long produced() {
    return position;
  }

  /** SHA-256 of everything read so far (call once, after the end). */
  String sha256Hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
