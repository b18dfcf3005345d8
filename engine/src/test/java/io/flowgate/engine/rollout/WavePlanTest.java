package io.flowgate.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WavePlanTest {

  @Test
  void percentagesAreCumulativeSharesOfTheGroup() {
    assertThat(WavePlan.of(10_000, null, List.of(1, 10, 100)).sizes())
        .containsExactly(100, 900, 9_000);
    assertThat(WavePlan.of(10_000, 5, List.of(10, 50, 100)).sizes())
        .containsExactly(5, 995, 4_000, 5_000);
    assertThat(WavePlan.of(10_000, null, List.of(100)).sizes()).containsExactly(10_000);
  }

  @Test
  void smallGroupsGetFewerWavesButNoEmptyOne() {
    assertThat(WavePlan.of(50, null, List.of(1, 10, 100)).sizes()).containsExactly(1, 4, 45);
    assertThat(WavePlan.of(3, 5, List.of(10, 50, 100)).sizes()).containsExactly(3);
    assertThat(WavePlan.of(0, null, List.of(50, 100)).sizes()).isEmpty();
    WavePlan plan = WavePlan.of(7, 1, List.of(50, 100));
    assertThat(plan.sizes()).containsExactly(1, 3, 3);
    assertThat(plan.movedAfter(2)).isEqualTo(4);
    assertThat(plan.movedAfter(3)).isEqualTo(7);
  }

  @Test
  void wavesThatCannotEndOnTheWholeGroupAreRefused() {
    assertThatThrownBy(() -> WavePlan.of(10, null, List.of(10, 50))).hasMessageContaining("100");
    assertThatThrownBy(() -> WavePlan.of(10, null, List.of(50, 10, 100)))
        .hasMessageContaining("ascending");
    assertThatThrownBy(() -> WavePlan.of(10, null, List.of())).hasMessageContaining("at least");
    assertThatThrownBy(() -> WavePlan.of(10, 0, List.of(100))).hasMessageContaining("canary");
  }
}
