package io.flowgate.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import org.junit.jupiter.api.Test;

/**
 * What the login page of Tasklist, Cockpit and Admin asks before anyone has signed in. On a first
 * visit it asks {@code GET /camunda-welcome} whether Camunda Run's welcome app is installed; an
 * answer with a Basic challenge makes the browser open its own password dialog over the login page
 * (and, headless, swallow every click and key after it).
 */
class WebappLoginPageTest extends ApiTestSupport {

  @Test
  void theWelcomeAppProbeIsAnsweredNotFoundWithoutAPasswordChallenge() {
    Response probe = get("/camunda-welcome", Auth.NONE);
    assertThat(probe.status()).as(probe.toString()).isEqualTo(404);
    assertThat(probe.header("WWW-Authenticate")).isNull();
  }
}
