package io.flowgate.engine.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.engine.testing.ApiTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The models' expressions reach the delegate beans and nothing else: every bean a model names is
 * one the expression manager offers, and a model naming any other bean fails.
 */
class ModelExpressionsTest extends ApiTestSupport {

  /** A bean named at the start of an expression: {@code ${name}} or {@code ${name.method(..)}}. */
  private static final Pattern DELEGATE =
      Pattern.compile("(?:delegateExpression|camunda:collection)=\"[$#]\\{(\\w+)");

  private static final Pattern CALLED = Pattern.compile("[$#]\\{(\\w+)\\.\\w+\\(");

  @Autowired ProcessEngine engine;

  @Test
  void everyBeanAModelNamesIsADelegateTheEngineOffers() throws IOException {
    Map<Object, Object> beans =
        ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getBeans();
    Set<String> named = new TreeSet<>();
    Resource[] models =
        new PathMatchingResourcePatternResolver().getResources("classpath*:**/*.bpmn");
    assertThat(models).hasSizeGreaterThanOrEqualTo(9);
    for (Resource model : models) {
      String xml;
      try (InputStream in = model.getInputStream()) {
        xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      for (Pattern pattern : new Pattern[] {DELEGATE, CALLED}) {
        Matcher m = pattern.matcher(xml);
        while (m.find()) {
          named.add(m.group(1));
        }
      }
    }
    assertThat(named).contains("decidePromotionApprovalPolicy", "promotionRollouts");
    for (String name : named) {
      assertThat(beans.containsKey(name)).as(name).isTrue();
      Object bean = beans.get(name);
      assertThat(
              bean instanceof JavaDelegate
                  || bean instanceof TaskListener
                  || bean instanceof ExecutionListener
                  || name.equals("promotionRollouts"))
          .as(name + " is a delegate")
          .isTrue();
    }
    assertThat(beans.containsKey("jdbcTemplate")).isFalse();
    assertThat(beans.containsKey("promotionSteps")).isFalse();
  }

  @Test
  void aModelThatNamesAnyOtherBeanFails() {
    Deployment deployment =
        engine
            .getRepositoryService()
            .createDeployment()
            .addModelInstance(
                "reach-out.bpmn",
                Bpmn.createExecutableProcess("reach-out")
                    .camundaHistoryTimeToLive(1)
                    .startEvent()
                    .serviceTask("sql")
                    .camundaExpression("${jdbcTemplate.queryForList('select 1')}")
                    .endEvent()
                    .done())
            .deploy();
    try {
      assertThatThrownBy(() -> engine.getRuntimeService().startProcessInstanceByKey("reach-out"))
          .hasMessageContaining("jdbcTemplate");
    } finally {
      engine.getRepositoryService().deleteDeployment(deployment.getId(), true);
    }
  }
}
