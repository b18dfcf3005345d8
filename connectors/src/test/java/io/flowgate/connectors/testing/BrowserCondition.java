package io.flowgate.connectors.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Implements {@link RequiresBrowser}. */
public final class BrowserCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return RealComponent.evaluate(context, "Headless Chromium", BrowserCondition::problem);
  }

  static Optional<String> problem() {
    String chromium = System.getProperty(Browser.CHROMIUM_PROPERTY);
    String playwright = System.getProperty(Browser.PLAYWRIGHT_PROPERTY);
    if (chromium == null || chromium.isBlank() || playwright == null || playwright.isBlank()) {
      return Optional.of(
          "system properties "
              + Browser.CHROMIUM_PROPERTY
              + " and "
              + Browser.PLAYWRIGHT_PROPERTY
              + " are not set (run the tests through Maven)");
    }
    if (!Files.isExecutable(Path.of(chromium))) {
      return Optional.of("no Chromium at " + chromium + " (Debian package chromium)");
    }
    if (!Files.isRegularFile(Path.of(playwright, "playwright-core", "package.json"))) {
      return Optional.of("no playwright-core in " + playwright);
    }
    // the script's way in: node finds playwright-core on NODE_PATH
    Browser.Result loaded = Browser.run("require('playwright-core')", null, Duration.ofSeconds(20));
    return loaded.exitCode() == 0
        ? Optional.empty()
        : Optional.of("node cannot load playwright-core: " + loaded.output().strip());
  }
}
