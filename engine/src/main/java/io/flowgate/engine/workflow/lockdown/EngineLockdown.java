package io.flowgate.engine.workflow.lockdown;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.spring.SpringExpressionManager;
import org.springframework.context.ApplicationContext;

/**
 * Puts the {@link OutsideCommandGuard} in front of every command the engine runs, and gives the
 * models' expressions the {@link DelegateBeans} instead of the whole application context.
 */
final class EngineLockdown extends AbstractProcessEnginePlugin {

  private final EngineRefusals refusals;
  private final ApplicationContext context;

  EngineLockdown(EngineRefusals refusals, ApplicationContext context) {
    this.refusals = refusals;
    this.context = context;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    // one guard per chain: an interceptor holds the next one of its chain
    configuration.setCustomPreCommandInterceptorsTxRequired(
        first(guard(configuration), configuration.getCustomPreCommandInterceptorsTxRequired()));
    configuration.setCustomPreCommandInterceptorsTxRequiresNew(
        first(guard(configuration), configuration.getCustomPreCommandInterceptorsTxRequiresNew()));
    // Spring's factory bean made an expression manager over the whole context before the plugins
    // run (setBeans now would come too late): replace it by one over the delegates only
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<Object, Object> beans = (Map) new DelegateBeans(context);
    configuration.setBeans(beans);
    configuration.setExpressionManager(new SpringExpressionManager(context, beans));
  }

  private OutsideCommandGuard guard(ProcessEngineConfigurationImpl configuration) {
    return new OutsideCommandGuard(refusals, configuration.getIdentityService());
  }

  private static List<CommandInterceptor> first(
      CommandInterceptor guard, List<CommandInterceptor> others) {
    List<CommandInterceptor> all = new ArrayList<>();
    all.add(guard);
    if (others != null) {
      all.addAll(others);
    }
    return all;
  }
}
