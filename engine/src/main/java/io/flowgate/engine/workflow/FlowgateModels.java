package io.flowgate.engine.workflow;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.spring.SpringTransactionsProcessEngineConfiguration;
import org.springframework.stereotype.Component;

/**
 * Tells a step whether it runs in Flowgate's own model: the process of the expected key, from the
 * deployment Flowgate makes of its classpath at start-up (named as the engine names it, no tenant,
 * no source), asked of the engine rather than taken from anything the caller passed. Deployments
 * from outside routes are refused anyway; this keeps a model that slipped in from reaching a step.
 */
@Component
public class FlowgateModels {

  private final RepositoryService repository;
  private final String deploymentName;
  private final Map<String, Boolean> ownDeployments = new ConcurrentHashMap<>();

  public FlowgateModels(ProcessEngine engine) {
    this.repository = engine.getRepositoryService();
    this.deploymentName =
        engine.getProcessEngineConfiguration()
                instanceof SpringTransactionsProcessEngineConfiguration spring
            ? spring.getDeploymentName()
            : "SpringAutoDeployment";
  }

  /** Why the execution does not run in Flowgate's own model of the process, or empty. */
  public Optional<String> whyForeign(DelegateExecution execution, String processKey) {
    ProcessDefinition definition =
        withoutAuthorization(
            () -> repository.getProcessDefinition(execution.getProcessDefinitionId()));
    if (!processKey.equals(definition.getKey())) {
      return Optional.of(
          "the step runs in process " + definition.getKey() + ", not in " + processKey);
    }
    boolean own = ownDeployments.computeIfAbsent(definition.getDeploymentId(), this::fromClasspath);
    return own
        ? Optional.empty()
        : Optional.of(
            "the model of process "
                + definition.getId()
                + " was not deployed by Flowgate from its classpath");
  }

  private boolean fromClasspath(String deploymentId) {
    Deployment deployment =
        withoutAuthorization(
            () -> repository.createDeploymentQuery().deploymentId(deploymentId).singleResult());
    return deployment != null
        && deploymentName.equals(deployment.getName())
        && deployment.getTenantId() == null
        && deployment.getSource() == null;
  }

  /** Steps run as whoever completed the task before them; the check needs no rights of theirs. */
  private static <T> T withoutAuthorization(java.util.concurrent.Callable<T> query) {
    CommandContext context = Context.getCommandContext();
    if (context == null) {
      try {
        return query.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return context.runWithoutAuthorization(query);
  }
}
