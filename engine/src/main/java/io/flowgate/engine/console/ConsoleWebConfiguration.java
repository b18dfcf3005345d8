package io.flowgate.engine.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The operations console (module {@code ui}): static files under {@code /console/}, its page at
 * {@code /console/}. The page itself needs no login (it shows the sign-in form); everything it
 * shows comes from the REST API with the browser session of {@code POST /api/v1/session}.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleWebConfiguration implements WebMvcConfigurer {

  static final String PATH = "/console";

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addRedirectViewController(PATH, PATH + "/");
    registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
  }
}
