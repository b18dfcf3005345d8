package io.flowgate.engine.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.web.ApiProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeRedSettingsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void knownSettingsAreKeptSortedAndNoneIsAnEmptyObject() throws Exception {
    assertThat(NodeRedSettings.validate(null)).isEqualTo("{}");
    assertThat(
            NodeRedSettings.validate(
                JSON.readTree(
                    "{\"timeZone\":\"Europe/Berlin\",\"contextStorage\":\"localfilesystem\","
                        + "\"httpNodeRoot\":\"/api\",\"debugMaxLength\":2000,\"functionTimeout\":5}")))
        .isEqualTo(
            "{\"contextStorage\":\"localfilesystem\",\"debugMaxLength\":2000,"
                + "\"functionTimeout\":5,\"httpNodeRoot\":\"/api\",\"timeZone\":\"Europe/Berlin\"}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"adminAuth\":{}}",
        "{\"timeZone\":\"Mars/Olympus\"}",
        "{\"httpNodeRoot\":\"api\"}",
        "{\"httpNodeRoot\":\"/a b\"}",
        "{\"debugMaxLength\":5}",
        "{\"functionTimeout\":-1}",
        "{\"contextStorage\":\"redis\"}",
        "[1]"
      })
  void anythingElseIsRefusedNamingTheSetting(String settings) throws Exception {
    assertThatThrownBy(() -> NodeRedSettings.validate(JSON.readTree(settings)))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("settings");
  }
}
