package io.flowgate.engine.file;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The request body on its way to object storage: counts the bytes and computes their SHA-256 as
 * they pass, asks for more room in the quota whenever the count passes what is held, beats the
 * upload's heartbeat, and fails the read (so the storage upload is abandoned and the previous
 * object stays) when the quota refuses, the body ends short of its Content-Length, or the client
 * goes away. {@link #failure()} says which.
 */
final class UploadStream extends InputStream {

  /** The upload's hold on the quota. */
  interface Hold {
    /**
     * More room: returns the bytes now held, at least {@code received}.
     *
     * @throws QuotaRefused when the quota has no room for {@code received} bytes
     */
    long extend(long received);

    /** Notes the upload is alive; throws {@link Lost} when its claim on the path is gone. */
    void heartbeat();
  }

  /** The quota has no room for the bytes received. */
  static final class QuotaRefused extends RuntimeException {
    final long limit;
    final long used;
    final long received;

    QuotaRefused(long limit, long used, long received) {
      super("over quota", null, false, false);
      this.limit = limit;
      this.used = used;
      this.received = received;
    }
  }

  /** The upload's claim on its path went (its instance was deleted). */
  static final class Lost extends RuntimeException {
    Lost() {
      super("claim lost", null, false, false);
    }
  }

  /** Why reading failed. */
  sealed interface Failure {
    record OverQuota(QuotaRefused refusal) implements Failure {}

    record ClaimLost() implements Failure {}

    record ClientGone(IOException cause) implements Failure {}

    record EndedShort(long received, long declared) implements Failure {}
  }

  private static final long HEARTBEAT_NANOS = 30_000_000_000L;

  private final InputStream body;
  private final long declared;
  private final Hold hold;
  private final MessageDigest sha256;
  private long received;
  private long held;
  private long lastBeat = System.nanoTime();
  private Failure failure;

  UploadStream(InputStream body, long declared, long held, Hold hold) {
    this.body = body;
    this.declared = declared;
    this.held = held;
    this.hold = hold;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (failure != null) {
      throw new IOException("the upload failed already");
    }
    int n;
    try {
      n = body.read(buffer, offset, length);
    } catch (IOException e) {
      failure = new Failure.ClientGone(e);
      throw e;
    }
    if (n < 0) {
      if (declared >= 0 && received < declared) {
        failure = new Failure.EndedShort(received, declared);
        throw new EOFException("the body ended after " + received + " of " + declared + " bytes");
      }
      return -1;
    }
    received += n;
    sha256.update(buffer, offset, n);
    try {
      if (received > held) {
        held = hold.extend(received);
        lastBeat = System.nanoTime();
      } else if (System.nanoTime() - lastBeat > HEARTBEAT_NANOS) {
        hold.heartbeat();
        lastBeat = System.nanoTime();
      }
    } catch (QuotaRefused refusal) {
      failure = new Failure.OverQuota(refusal);
      throw new IOException("the upload is over the team's file quota");
    } catch (Lost lost) {
      failure = new Failure.ClaimLost();
      throw new IOException("the upload's claim on its path is gone");
    }
    return n;
  }

  /** Why reading failed, or null. */
  Failure failure() {
    return failure;
  }

  long received() {
    return received;
  }

  /** The SHA-256 of the bytes read, in hex; call once, at the end. */
  String sha256() {
    return HexFormat.of().formatHex(sha256.digest());
  }
}
