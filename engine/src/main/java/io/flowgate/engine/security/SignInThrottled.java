package io.flowgate.engine.security;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in attempt that came too soon after failed ones: refused without looking at the password
 * (429, {@code Retry-After}). Nothing is locked; waiting is enough.
 */
public final class SignInThrottled extends AuthenticationException {

  private static final long serialVersionUID = 1L;

  private final long retryAfterSeconds;

  SignInThrottled(Duration wait, Instant now) {
    super(message(seconds(wait), now.plus(wait).truncatedTo(ChronoUnit.SECONDS)));
    this.retryAfterSeconds = seconds(wait);
  }

  /** Whole seconds to wait, at least one: the value of {@code Retry-After}. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  private static long seconds(Duration wait) {
    return Math.max(1, (wait.toMillis() + 999) / 1000);
  }

  private static String message(long seconds, Instant until) {
    return "Too many failed sign-ins for this user name or from your address: try again in "
        + seconds
        + " s (after "
        + until
        + "). Nothing is locked; the wait grows with each failure and shrinks with time";
  }
}
