package io.flowgate.engine.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.task.Task;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Starts Flowgate's approval processes, finds their open tasks, and completes a task as a person,
 * with their groups and tenants, so that Camunda's authorizations and the task's listeners see the
 * same user as on Tasklist.
 */
@Component
public class TaskCompletions {

  private final RuntimeService runtime;
  private final TaskService tasks;
  private final IdentityService identity;

  TaskCompletions(RuntimeService runtime, TaskService tasks, IdentityService identity) {
    this.runtime = runtime;
    this.tasks = tasks;
    this.identity = identity;
  }

  /** Starts one of Flowgate's own processes (no tenant) with the business key; returns its id. */
  public String start(String processKey, String businessKey, Map<String, Object> variables) {
    return runtime
        .createProcessInstanceByKey(processKey)
        .businessKey(businessKey)
        .processDefinitionWithoutTenantId()
        .setVariables(variables)
        .execute()
        .getId();
  }

  /** The active tasks of this definition key in the process, oldest first. */
  public List<String> openTasks(String processInstanceId, String taskKey) {
    return tasks
        .createTaskQuery()
        .processInstanceId(processInstanceId)
        .taskDefinitionKey(taskKey)
        .active()
        .orderByTaskCreateTime()
        .asc()
        .list()
        .stream()
        .map(Task::getId)
        .toList();
  }

  /** Completes the task as the user with the decision and comment as task variables. */
  public void completeAs(String user, String taskId, String decision, String comment) {
    List<String> groups =
        identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).toList();
    List<String> tenants =
        identity.createTenantQuery().userMember(user).includingGroupsOfUser(true).list().stream()
            .map(Tenant::getId)
            .toList();
    identity.setAuthentication(user, groups, tenants);
    try {
      Map<String, Object> variables =
          Variables.putValue("decision", decision)
              .putValue("comment", comment == null ? "" : comment);
      tasks.complete(taskId, variables);
    } finally {
      identity.clearAuthentication();
    }
  }

  /**
   * As {@link #completeAs(String, String, String, String)}, with the engine's refusals as the
   * caller's own exception: Camunda's authorization refusal, or the listener's refusal it wrapped.
   */
  public <R extends RuntimeException> void completeAs(
      String user,
      String taskId,
      String decision,
      String comment,
      Class<R> refusal,
      Function<String, R> notAllowed) {
    try {
      completeAs(user, taskId, decision, comment);
    } catch (AuthorizationException e) {
      throw notAllowed.apply(user + " may not work on this approval task");
    } catch (ProcessEngineException e) {
      throw cause(e, refusal).orElseThrow(() -> e);
    }
  }

  /**
   * The first exception of this type in the chain, e.g. a listener's refusal the engine wrapped.
   */
  public static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }
}
