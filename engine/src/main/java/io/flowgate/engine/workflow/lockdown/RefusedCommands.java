package io.flowgate.engine.workflow.lockdown;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.batch.RestartProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.batch.history.DeleteHistoricBatchCmd;
import org.camunda.bpm.engine.impl.cmd.CorrelateAllMessageCmd;
import org.camunda.bpm.engine.impl.cmd.CorrelateMessageCmd;
import org.camunda.bpm.engine.impl.cmd.CreateMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.CreateTenantGroupMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.CreateTenantUserMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteDeploymentCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteGroupCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricTaskInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricVariableInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricVariableInstancesByProcessInstanceIdCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteJobCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessDefinitionsByIdsCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessDefinitionsByKeyCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.DeletePropertyCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteTenantCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteTenantGroupMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteTenantUserMembershipCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteUserCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteUserOperationLogEntryCmd;
import org.camunda.bpm.engine.impl.cmd.DeployCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskEscalationCmd;
import org.camunda.bpm.engine.impl.cmd.MessageEventReceivedCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceAsyncCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.PatchExecutionVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.PatchTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.ProcessInstanceModificationBatchCmd;
import org.camunda.bpm.engine.impl.cmd.ProcessInstanceModificationCmd;
import org.camunda.bpm.engine.impl.cmd.RemoveExecutionVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.RemoveTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.ResolveTaskCmd;
import org.camunda.bpm.engine.impl.cmd.RestartProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.SaveAuthorizationCmd;
import org.camunda.bpm.engine.impl.cmd.SaveGroupCmd;
import org.camunda.bpm.engine.impl.cmd.SaveTenantCmd;
import org.camunda.bpm.engine.impl.cmd.SaveUserCmd;
import org.camunda.bpm.engine.impl.cmd.SetExecutionVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobDuedateCmd;
import org.camunda.bpm.engine.impl.cmd.SetProcessDefinitionVersionCmd;
import org.camunda.bpm.engine.impl.cmd.SetPropertyCmd;
import org.camunda.bpm.engine.impl.cmd.SetTaskVariablesCmd;
import org.camunda.bpm.engine.impl.cmd.SignalCmd;
import org.camunda.bpm.engine.impl.cmd.SignalEventReceivedCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceAtActivitiesCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitStartFormCmd;
import org.camunda.bpm.engine.impl.cmd.UnlockUserCmd;
import org.camunda.bpm.engine.impl.cmd.UpdateDecisionDefinitionHistoryTimeToLiveCmd;
import org.camunda.bpm.engine.impl.cmd.UpdateProcessDefinitionHistoryTimeToLiveCmd;
import org.camunda.bpm.engine.impl.cmd.batch.CorrelateAllMessageBatchCmd;
import org.camunda.bpm.engine.impl.cmd.batch.DeleteHistoricProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.cmd.batch.DeleteProcessInstanceBatchCmd;
import org.camunda.bpm.engine.impl.cmd.batch.removaltime.SetRemovalTimeToHistoricDecisionInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.batch.removaltime.SetRemovalTimeToHistoricProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.batch.variables.SetVariablesToProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.dmn.cmd.DeleteHistoricDecisionInstanceByDefinitionIdCmd;
import org.camunda.bpm.engine.impl.dmn.cmd.DeleteHistoricDecisionInstanceByInstanceIdCmd;
import org.camunda.bpm.engine.impl.dmn.cmd.DeleteHistoricDecisionInstancesBatchCmd;
import org.camunda.bpm.engine.impl.dmn.cmd.DeleteHistoricDecisionInstancesBulkCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.migration.MigrateProcessInstanceCmd;
import org.camunda.bpm.engine.impl.migration.batch.MigrateProcessInstanceBatchCmd;

/**
 * The engine commands that never come from an outside route: every one of them either brings a
 * model Flowgate did not ship, moves or ends a process past Flowgate's steps, forges the state its
 * steps read, or erases the engine's record. Everything else (queries, task work, job retries,
 * suspension, incidents) stays open to Camunda's tools. A command Camunda adds in a later version
 * is open until it is named here.
 */
final class RefusedCommands {

  private static final Map<Class<?>, String> REFUSED = new LinkedHashMap<>();

  static {
    refuse("deploys a model: Flowgate's models come from its classpath only", DeployCmd.class);
    refuse(
        "deletes Flowgate's models or moves instances to another version",
        DeleteDeploymentCmd.class,
        DeleteProcessDefinitionsByIdsCmd.class,
        DeleteProcessDefinitionsByKeyCmd.class,
        SetProcessDefinitionVersionCmd.class);
    refuse(
        "starts a process: Flowgate starts its own processes",
        StartProcessInstanceCmd.class,
        StartProcessInstanceAtActivitiesCmd.class,
        SubmitStartFormCmd.class);
    refuse(
        "modifies a process instance",
        ModifyProcessInstanceCmd.class,
        ModifyProcessInstanceAsyncCmd.class,
        ProcessInstanceModificationCmd.class,
        ProcessInstanceModificationBatchCmd.class);
    refuse(
        "migrates a process instance",
        MigrateProcessInstanceCmd.class,
        MigrateProcessInstanceBatchCmd.class);
    refuse(
        "restarts a process instance",
        RestartProcessInstancesCmd.class,
        RestartProcessInstancesBatchCmd.class);
    refuse(
        "writes variables of a process",
        SetExecutionVariablesCmd.class,
        SetTaskVariablesCmd.class,
        RemoveExecutionVariablesCmd.class,
        RemoveTaskVariablesCmd.class,
        PatchExecutionVariablesCmd.class,
        PatchTaskVariablesCmd.class,
        SetVariablesToProcessInstancesBatchCmd.class);
    refuse(
        "deletes a running process instance whose Flowgate record would stay half done",
        DeleteProcessInstanceCmd.class,
        DeleteProcessInstancesCmd.class,
        DeleteProcessInstanceBatchCmd.class);
    refuse(
        "moves a waiting process by a signal, a message or an error",
        SignalCmd.class,
        SignalEventReceivedCmd.class,
        MessageEventReceivedCmd.class,
        CorrelateMessageCmd.class,
        CorrelateAllMessageCmd.class,
        CorrelateAllMessageBatchCmd.class,
        HandleTaskBpmnErrorCmd.class,
        HandleTaskEscalationCmd.class);
    refuse("deletes a job or moves its due date", DeleteJobCmd.class, SetJobDuedateCmd.class);
    refuse(
        "erases or shortens the engine's record of what happened",
        DeleteHistoricProcessInstancesCmd.class,
        DeleteHistoricProcessInstancesBatchCmd.class,
        DeleteHistoricTaskInstanceCmd.class,
        DeleteHistoricVariableInstanceCmd.class,
        DeleteHistoricVariableInstancesByProcessInstanceIdCmd.class,
        DeleteUserOperationLogEntryCmd.class,
        SetRemovalTimeToHistoricProcessInstancesCmd.class,
        UpdateProcessDefinitionHistoryTimeToLiveCmd.class,
        UpdateDecisionDefinitionHistoryTimeToLiveCmd.class);
    refuse("changes the engine's properties", SetPropertyCmd.class, DeletePropertyCmd.class);
    // a task resolved with variables writes the process's variables past the approval listener
    refuse("resolves a task, with variables, past its listeners", ResolveTaskCmd.class);
    refuse(
        "erases the engine's record of approval-policy decisions",
        DeleteHistoricDecisionInstancesBulkCmd.class,
        DeleteHistoricDecisionInstancesBatchCmd.class,
        DeleteHistoricDecisionInstanceByInstanceIdCmd.class,
        DeleteHistoricDecisionInstanceByDefinitionIdCmd.class,
        SetRemovalTimeToHistoricDecisionInstancesCmd.class,
        DeleteHistoricBatchCmd.class);
    // a password set by someone else lets that person sign in as an approver; people, groups and
    // rights are managed through Flowgate's API, where each grant is recorded and audited
    refuse(
        "writes users, groups, tenants or authorizations: people and their rights are managed"
            + " through Flowgate's API (a person changes only their own profile here)",
        SaveUserCmd.class,
        DeleteUserCmd.class,
        UnlockUserCmd.class,
        CreateMembershipCmd.class,
        DeleteMembershipCmd.class,
        SaveGroupCmd.class,
        DeleteGroupCmd.class,
        SaveTenantCmd.class,
        DeleteTenantCmd.class,
        CreateTenantUserMembershipCmd.class,
        DeleteTenantUserMembershipCmd.class,
        CreateTenantGroupMembershipCmd.class,
        DeleteTenantGroupMembershipCmd.class,
        SaveAuthorizationCmd.class,
        DeleteAuthorizationCmd.class);
  }

  private RefusedCommands() {}

  /**
   * Deleting a running process instance, allowed where Flowgate settles its record itself when the
   * process disappears (the instance operations: the instance becomes failed or crashed with the
   * reason).
   */
  static boolean isDeletion(Command<?> command) {
    return command instanceof DeleteProcessInstanceCmd
        || command instanceof DeleteProcessInstancesCmd
        || command instanceof DeleteProcessInstanceBatchCmd;
  }

  /**
   * A person saving their own user (profile, password: Camunda asks for their current password),
   * the one identity write the webapps may make.
   */
  static boolean isOwnProfile(Command<?> command, String currentUser) {
    if (!(command instanceof SaveUserCmd) || currentUser == null) {
      return false;
    }
    try {
      Field field = SaveUserCmd.class.getDeclaredField("user");
      field.setAccessible(true);
      User saved = (User) field.get(command);
      return saved != null && currentUser.equals(saved.getId());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Why the command is refused on an outside route, or empty when it is not. */
  static Optional<String> whyRefused(Command<?> command) {
    for (Map.Entry<Class<?>, String> refused : REFUSED.entrySet()) {
      if (refused.getKey().isInstance(command)) {
        return Optional.of(refused.getValue());
      }
    }
    return Optional.empty();
  }

  private static void refuse(String why, Class<?>... commands) {
    for (Class<?> command : commands) {
      REFUSED.put(command, why);
    }
  }
}
