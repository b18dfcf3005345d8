package io.flowgate.engine.rollout;

import java.util.Locale;

/**
 * Judges a wave from its counts: breached as soon as enough devices finished and too many of them
 * failed; once every device finished or the wave's time is up, succeeded when enough of the wave
 * succeeded (devices still pending at the deadline count as timed out), else breached.
 *
 * @param successThreshold per cent of the wave's devices that must succeed
 * @param errorThreshold per cent of the finished devices that may fail
 * @param minFinished finished devices needed before the error threshold is applied
 */
public record WaveJudge(int successThreshold, int errorThreshold, int minFinished) {

  /** What a wave is, judged now. */
  public enum Outcome {
    RUNNING,
    SUCCEEDED,
    BREACHED;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A wave's devices by what they did so far. */
  public record Counts(int targeted, int succeeded, int failed) {
    public int finished() {
      return succeeded + failed;
    }

    public int pending() {
      return Math.max(0, targeted - finished());
    }
  }

  public WaveJudge {
    if (successThreshold < 0 || successThreshold > 100) {
      throw new IllegalArgumentException("successThreshold must be a percentage from 0 to 100");
    }
    if (errorThreshold < 0 || errorThreshold > 100) {
      throw new IllegalArgumentException("errorThreshold must be a percentage from 0 to 100");
    }
    if (minFinished < 1) {
      throw new IllegalArgumentException("minFinished must be at least 1");
    }
  }

  public Outcome judge(Counts counts, boolean timeUp) {
    int finished = counts.finished();
    // failed * 100 > errorThreshold * finished, in integers: no rounding at the edge
    if (finished >= Math.min(minFinished, counts.targeted())
        && finished > 0
        && counts.failed() * 100L > (long) errorThreshold * finished) {
      return Outcome.BREACHED;
    }
    if (counts.pending() > 0 && !timeUp) {
      return Outcome.RUNNING;
    }
    if (counts.targeted() == 0) {
      return Outcome.SUCCEEDED;
    }
    return counts.succeeded() * 100L >= (long) successThreshold * counts.targeted()
        ? Outcome.SUCCEEDED
        : Outcome.BREACHED;
  }
}
