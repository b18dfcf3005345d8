package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.promotion.ApprovalDesk;
import io.flowgate.engine.web.ProblemResponses;
import org.springframework.boot.autoconfigure.security.SecurityProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class PromotionGuardConfiguration {

  @Bean
  FilterRegistrationBean<PromotionEngineRestGuard> promotionEngineRestGuard(
      JdbcClient jdbc, ApprovalDesk desk, ProblemResponses problems) {
    FilterRegistrationBean<PromotionEngineRestGuard> registration =
        new FilterRegistrationBean<>(new PromotionEngineRestGuard(jdbc, desk, problems));
    registration.addUrlPatterns("/engine-rest/*");
    // after the identity filter: the caller is known, Camunda has not run yet
    registration.setOrder(SecurityProperties.DEFAULT_FILTER_ORDER + 2);
    return registration;
  }
}
