package io.flowgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.platform.InstallationService;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A second start on the same data folder finds the first start's installation and admin. */
@ExtendWith(OutputCaptureExtension.class)
class RestartTest {

  private static final Pattern PRINTED_PASSWORD = Pattern.compile("password: (\\S+)");

  @TempDir Path data;

  @Test
  void secondStartFindsTheFirstStartsDataAndPassword(CapturedOutput output) {
    String password;
    UUID installation;
    try (ConfigurableApplicationContext first = start()) {
      Matcher printed = PRINTED_PASSWORD.matcher(output.getOut());
      assertThat(printed.find()).as("the first start prints the generated password").isTrue();
      password = printed.group(1);
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      installation = first.getBean(InstallationService.class).installation().id();
    }
    int printedSoFar = output.getOut().length();

    try (ConfigurableApplicationContext second = start()) {
      assertThat(output.getOut().substring(printedSoFar)).doesNotContain("password:");
      assertThat(second.getBean(IdentityService.class).checkPassword("admin", password)).isTrue();
      assertThat(second.getBean(InstallationService.class).installation().id())
          .isEqualTo(installation);
    }
    assertThat(output.getAll().replace("password: " + password, ""))
        .as("the password appears nowhere but in the one banner line")
        .doesNotContain(password);
  }

  private ConfigurableApplicationContext start() {
    // command-line arguments: they outrank application.yml, default properties do not
    return new SpringApplicationBuilder(FlowgateApplication.class)
        .run(
            "--flowgate.data=" + data,
            "--FLOWGATE_ADMIN_PASSWORD=",
            "--server.port=0",
            "--camunda.bpm.job-execution.enabled=false",
            "--camunda.bpm.generate-unique-process-engine-name=true",
            "--spring.datasource.generate-unique-name=true");
  }
}
