package io.flowgate.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.engine.rollout.WaveJudge.Counts;
import io.flowgate.engine.rollout.WaveJudge.Outcome;
import org.junit.jupiter.api.Test;

class WaveJudgeTest {

  private final WaveJudge judge = new WaveJudge(95, 10, 20);

  @Test
  void aWaveRunsUntilEveryDeviceFinishedOrItsTimeIsUp() {
    assertThat(judge.judge(new Counts(100, 90, 1), false)).isEqualTo(Outcome.RUNNING);
    assertThat(judge.judge(new Counts(100, 96, 4), false)).isEqualTo(Outcome.SUCCEEDED);
    assertThat(judge.judge(new Counts(100, 94, 6), false)).isEqualTo(Outcome.BREACHED);
  }

  @Test
  void pendingDevicesAtTheDeadlineCountAsTimedOut() {
    assertThat(judge.judge(new Counts(100, 95, 0), true)).isEqualTo(Outcome.SUCCEEDED);
    assertThat(judge.judge(new Counts(100, 94, 0), true)).isEqualTo(Outcome.BREACHED);
  }

  @Test
  void theErrorThresholdWaitsForItsMinimumSampleThenStopsTheWaveAtOnce() {
    // 3 of 10 finished failed: 30 %, but fewer than 20 finished
    assertThat(judge.judge(new Counts(1000, 7, 3), false)).isEqualTo(Outcome.RUNNING);
    // 3 of 20 finished failed: 15 % > 10 %
    assertThat(judge.judge(new Counts(1000, 17, 3), false)).isEqualTo(Outcome.BREACHED);
    // exactly at the threshold is not over it
    assertThat(judge.judge(new Counts(1000, 18, 2), false)).isEqualTo(Outcome.RUNNING);
  }

  @Test
  void aWaveSmallerThanTheMinimumSampleIsJudgedWhenAllFinished() {
    assertThat(judge.judge(new Counts(5, 4, 1), false)).isEqualTo(Outcome.BREACHED);
    assertThat(new WaveJudge(80, 50, 20).judge(new Counts(5, 4, 1), false))
        .isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void thresholdsAreChecked() {
    assertThatThrownBy(() -> new WaveJudge(101, 10, 1)).hasMessageContaining("successThreshold");
    assertThatThrownBy(() -> new WaveJudge(90, -1, 1)).hasMessageContaining("errorThreshold");
    assertThatThrownBy(() -> new WaveJudge(90, 10, 0)).hasMessageContaining("minFinished");
  }
}
