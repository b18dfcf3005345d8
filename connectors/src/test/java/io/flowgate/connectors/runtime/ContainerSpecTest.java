package io.flowgate.connectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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

  /** Passes the light check; not a certificate anyone could parse. */
  static final String PEM =
      """
      -----BEGIN CERTIFICATE-----
      MIIBfTCCASOgAwIBAgIUflowgateTestOnlyNotARealCertificate0wCgYIKoZI
      zj0EAwIwFDESMBAGA1UEAwwJMTI3LjAuMC4x
      -----END CERTIFICATE-----
      """;

  @Test
  void trustedCertificatesAreOptionalAndNeverPrinted() {
    ContainerSpec spec =
        ContainerSpec.builder("flowgate-i-42", "img").trustedCertificates(PEM).build();
    ContainerSpec twoBlocks =
        ContainerSpec.builder("flowgate-i-42", "img").trustedCertificates(PEM + PEM).build();
    ContainerSpec none = new ContainerSpec("a1", "img", null, null, null, null, null);

    assertThat(spec.trustedCertificates()).isEqualTo(PEM);
    assertThat(spec.hasTrustedCertificates()).isTrue();
    assertThat(twoBlocks.trustedCertificates()).isEqualTo(PEM + PEM);
    assertThat(spec.toString()).contains("trustedCertificates=true").doesNotContain("MIIB");
    assertThat(none.trustedCertificates()).isNull();
    assertThat(none.hasTrustedCertificates()).isFalse();
    assertThat(none.toString()).contains("trustedCertificates=false");
    assertThat(ContainerSpec.builder("a1", "img").build()).isEqualTo(none);
  }

  @Test
  void trustedCertificatesMustBeCertificatesInPem() {
    for (String notPem :
        List.of(
            "",
            "not a certificate",
            "-----BEGIN CERTIFICATE-----\nMIIB\n",
            "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n")) {
      assertThatThrownBy(
              () -> ContainerSpec.builder("a1", "img").trustedCertificates(notPem).build())
          .as(notPem)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-----BEGIN CERTIFICATE-----");
    }
    String withKey = PEM + "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(
            () -> ContainerSpec.builder("a1", "img").trustedCertificates(withKey).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("private key")
        .hasMessageNotContaining("MIIE");
  }

  @Test
  void theRuntimeAloneSetsNodeExtraCaCertsWhenThereAreTrustedCertificates() {
    assertThatThrownBy(
            () ->
                ContainerSpec.builder("a1", "img")
                    .env("NODE_EXTRA_CA_CERTS", "/somewhere.pem")
                    .trustedCertificates(PEM)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NODE_EXTRA_CA_CERTS");
    assertThat(
            ContainerSpec.builder("a1", "img")
                .env("NODE_EXTRA_CA_CERTS", "/somewhere.pem")
                .build()
                .env())
        .as("without trusted certificates, as before")
        .containsEntry("NODE_EXTRA_CA_CERTS", "/somewhere.pem");
  }

  @Test
  void mapsEngineStates() {
    assertThat(Status.fromEngineState("running")).isEqualTo(Status.RUNNING);
    assertThat(Status.fromEngineState("exited")).isEqualTo(Status.EXITED);
    assertThat(Status.fromEngineState("something-new")).isEqualTo(Status.UNKNOWN);
    assertThat(Status.fromEngineState(null)).isEqualTo(Status.UNKNOWN);
  }
}
