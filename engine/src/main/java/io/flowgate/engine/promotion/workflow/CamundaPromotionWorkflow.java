package io.flowgate.engine.promotion.workflow;

import io.flowgate.engine.promotion.ApprovalRefused;
import io.flowgate.engine.promotion.Promotion;
import io.flowgate.engine.promotion.PromotionWorkflow;
import java.util.List;
import java.util.Map;
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

/** snapshot-promotion on Camunda: started by key, approval tasks found and completed as a user. */
@Component
class CamundaPromotionWorkflow implements PromotionWorkflow {

  static final String PROCESS = "snapshot-promotion";
  static final String APPROVAL_TASK = "approve";

  private final RuntimeService runtime;
  private final TaskService tasks;
  private final IdentityService identity;

  CamundaPromotionWorkflow(RuntimeService runtime, TaskService tasks, IdentityService identity) {
    this.runtime = runtime;
    this.tasks = tasks;
    this.identity = identity;
  }

  @Override
  public String start(Promotion promotion, Map<String, Object> variables) {
    return runtime
        .createProcessInstanceByKey(PROCESS)
        .businessKey(promotion.id())
        .processDefinitionWithoutTenantId()
        .setVariables(variables)
        .execute()
        .getId();
  }

  @Override
  public List<String> openTasks(String processInstanceId) {
    return tasks
        .createTaskQuery()
        .processInstanceId(processInstanceId)
        .taskDefinitionKey(APPROVAL_TASK)
        .active()
        .orderByTaskCreateTime()
        .asc()
        .list()
        .stream()
        .map(Task::getId)
        .toList();
  }

  @Override
  public void complete(String taskId, String user, String decision, String comment) {
    List<String> groups =
        identity.createGroupQuery().groupMember(user).list().stream().map(Group::getId).toList();
    List<String> tenants =
        identity.createTenantQuery().userMember(user).includingGroupsOfUser(true).list().stream()
            .map(Tenant::getId)
            .toList();
    identity.setAuthentication(user, groups, tenants);
    try {
      tasks.complete(
          taskId,
          Variables.putValue("decision", decision)
              .putValue("comment", comment == null ? "" : comment));
    } catch (AuthorizationException e) {
      throw new ApprovalRefused(user + " may not work on this approval task");
    } catch (ProcessEngineException e) {
      ApprovalRefused refused = refusalIn(e);
      if (refused != null) {
        throw refused;
      }
      throw e;
    } finally {
      identity.clearAuthentication();
    }
  }

  private static ApprovalRefused refusalIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ApprovalRefused refused) {
        return refused;
      }
    }
    return null;
  }
}
