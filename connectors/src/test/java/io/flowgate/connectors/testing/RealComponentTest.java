package io.flowgate.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** The rule behind {@link RequiresDocker} and {@link RequiresNodeRed}. */
class RealComponentTest {

  @Test
  void aPresentComponentRunsTheTest() {
    ConditionEvaluationResult result = RealComponent.decide("Docker", Optional.empty(), true);

    assertThat(result.isDisabled()).isFalse();
  }

  @Test
  void aMissingComponentFailsLoudlyInCi() {
    assertThatThrownBy(
            () -> RealComponent.decide("Docker", Optional.of("no daemon at unix:///x.sock"), true))
        .isInstanceOf(RealComponent.MissingComponentException.class)
        .hasMessageContaining("Docker is missing: no daemon at unix:///x.sock")
        .hasMessageContaining("./flowgate test");
  }

  @Test
  void aMissingComponentDisablesTheTestOnADeveloperMachine() {
    ConditionEvaluationResult result =
        RealComponent.decide("Node-RED", Optional.of("no red.js in /nowhere"), false);

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("no red.js in /nowhere", "./flowgate test"));
  }

  @Test
  void aComponentThatFlowgateCannotInstallSaysWhatToDoInstead() {
    ConditionEvaluationResult result =
        RealComponent.decide(
            "The npm registry",
            Optional.of("`npm view x version` failed"),
            "Run them where the registry is reachable.",
            false);

    assertThat(result.isDisabled()).isTrue();
    assertThat(result.getReason())
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .contains("`npm view x version` failed", "registry is reachable")
                    .doesNotContain("./flowgate test"));
  }
}
