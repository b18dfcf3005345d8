package io.flowgate.connectors.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until something holds or a deadline passes: no fixed sleeps that are too short on CI. */
public final class Await {

  private Await() {}

  /**
   * Asks {@code probe} every {@code interval} until {@code done} accepts its answer.
   *
   * @return the accepted answer
   * @throws AssertionError after {@code timeout}, naming {@code what} and the last answer
   */
  public static <T> T until(
      String what, Duration timeout, Duration interval, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + " did not happen within " + timeout.toSeconds() + " s; last: " + last);
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted while waiting for " + what, e);
      }
      last = probe.get();
    }
    return last;
  }
}
