package io.flowgate.engine.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.Tenant;
import org.camunda.bpm.engine.variable.Variables;
import org.springframework.stereotype.Component;

/**
 * Completes a task as a person, with their groups and tenants, so that Camunda's authorizations and
 * the task's listeners see the same user as on Tasklist.
 */
@Component
public class TaskCompletions {

  private final TaskService tasks;
  private final IdentityService identity;

  TaskCompletions(TaskService tasks, IdentityService identity) {
    this.tasks = tasks;
    this.identity = identity;
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
