package io.flowgate.connectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContainerSpecTest {

  @Test
  void builderFillsEveryField() {
    ContainerSpec spec =
        ContainerSpec.builder("flowgate-i-42", "flowgate/node-red:4.1.8")
            .env("PORT", "1880")
            .label("io.flowgate.instance", "i-42")
            .cpus(1.5)
            .memoryMegabytes(256)
            .restartPolicy(RestartPolicy.ON_FAILURE)
            .build();

    assertThat(spec.nanoCpus()).isEqualTo(1_500_000_000L);
    assertThat(spec.memoryBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(spec.env()).containsEntry("PORT", "1880");
    assertThat(spec.labels()).containsEntry("io.flowgate.instance", "i-42");
    assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.ON_FAILURE);
  }

  @Test
  void defaultsToNoRestartAndNoLimits() {
    ContainerSpec spec = new ContainerSpec("a1", "img", null, null, null, null, null);

    assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.NO);
    assertThat(spec.env()).isEmpty();
    assertThat(spec.labels()).isEmpty();
  }

  @Test
  void toStringNamesEnvironmentVariablesButHidesTheirValues() {
    ContainerSpec spec =
        ContainerSpec.builder("flowgate-i-42", "img")
            .env("NODE_RED_CREDENTIAL_SECRET", "s3cr3t-value")
            .build();

    assertThat(spec.toString())
        .contains("NODE_RED_CREDENTIAL_SECRET")
        .doesNotContain("s3cr3t-value");
  }

  @Test
  void rejectsWhatDockerWouldRefuse() {
    assertThatThrownBy(() -> ContainerSpec.builder("/bad name", "img").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/bad name");
    assertThatThrownBy(() -> ContainerSpec.builder("ok", " ").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ContainerSpec.builder("ok", "img").memoryBytes(1024L).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memoryBytes");
    assertThatThrownBy(() -> ContainerSpec.builder("ok", "img").nanoCpus(0L).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mapsEngineStates() {
    assertThat(Status.fromEngineState("running")).isEqualTo(Status.RUNNING);
    assertThat(Status.fromEngineState("exited")).isEqualTo(Status.EXITED);
    assertThat(Status.fromEngineState("something-new")).isEqualTo(Status.UNKNOWN);
    assertThat(Status.fromEngineState(null)).isEqualTo(Status.UNKNOWN);
  }
}
