package io.flowgate.engine.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.connectors.testing.Browser;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@code browser/console.js} (playwright-core in headless Chromium) against a Flowgate: signs
 * in with the console's form as the given user and walks one scenario; fails with what the script
 * said when it does not exit 0.
 *
 * <p>Screenshots of the pages go to the folder named by the system property {@code
 * flowgate.screenshot-dir} ({@code target/screenshots} by default); the README's are made with
 * {@code -Dflowgate.screenshot-dir=$PWD/docs/screenshots}. A failing scenario leaves the page as it
 * was in {@code target/screenshots/console-failure-<scenario>.png}.
 */
final class ConsoleScript {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ConsoleScript() {}

  static JsonNode run(
      int port,
      String username,
      String password,
      String scenario,
      Map<String, Object> parameters,
      Duration timeout)
      throws Exception {
    Map<String, Object> input = new LinkedHashMap<>(parameters);
    input.put("baseUrl", "http://localhost:" + port);
    input.put("username", username);
    input.put("password", password);
    input.put("scenario", scenario);
    input.put("screenshotDir", screenshotDir().toString());
    input.put(
        "failureScreenshot",
        Path.of("target/screenshots", "console-failure-" + scenario + ".png")
            .toAbsolutePath()
            .toString());
    Browser.Result result = Browser.runScript(script(), JSON.writeValueAsString(input), timeout);
    assertThat(result.exitCode()).as("console %s as %s: %s", scenario, username, result).isZero();
    JsonNode output = JSON.readTree(result.output());
    assertThat(output.path("pageErrors")).as("script errors on the pages: %s", result).isEmpty();
    assertThat(output.path("dialogs"))
        .as("no password dialog of the browser over the sign-in form")
        .isEmpty();
    return output;
  }

  static Path screenshotDir() {
    return Path.of(System.getProperty("flowgate.screenshot-dir", "target/screenshots"))
        .toAbsolutePath();
  }

  private static Path script() throws URISyntaxException {
    return Path.of(ConsoleScript.class.getClassLoader().getResource("browser/console.js").toURI());
  }
}
