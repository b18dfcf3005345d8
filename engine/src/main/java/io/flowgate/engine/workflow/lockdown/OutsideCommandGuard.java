package io.flowgate.engine.workflow.lockdown;

import java.util.Optional;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.cmd.CompleteTaskCmd;
import org.camunda.bpm.engine.impl.cmd.SubmitTaskFormCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first interceptor of every engine command. A command that an outside route starts (not one
 * that Flowgate's code, its job executor or a command already running starts) is refused and
 * audited when it is one of the {@link RefusedCommands}; a task completion from outside that the
 * engine refuses is audited too (the approval listener audits its own refusals).
 */
final class OutsideCommandGuard extends CommandInterceptor {

  private static final Logger log = LoggerFactory.getLogger(OutsideCommandGuard.class);

  private final EngineRefusals refusals;
  private final IdentityService identity;

  OutsideCommandGuard(EngineRefusals refusals, IdentityService identity) {
    this.refusals = refusals;
    this.identity = identity;
  }

  @Override
  public <T> T execute(Command<T> command) {
    Optional<OutsideRoute> route = OutsideRoute.current();
    // a command inside a running one was started by the engine or a delegate, not by the route
    if (route.isEmpty() || Context.getCommandContext() != null) {
      return next.execute(command);
    }
    Optional<String> refused = RefusedCommands.whyRefused(command);
    if (refused.isPresent() && RefusedCommands.isOwnProfile(command, user())) {
      refused = Optional.empty();
    }
    if (refused.isPresent()
        && RefusedCommands.isDeletion(command)
        && refusals.settleThemselves(CommandSubjects.of(command))) {
      refused = Optional.empty();
    }
    if (refused.isPresent()) {
      log.warn(
          "Refused {} from {} on {}: it {}",
          name(command),
          user(),
          route.get().describe(),
          refused.get());
      refusals.refused(
          EngineRefusals.COMMAND_REFUSED,
          route.get(),
          user(),
          name(command),
          refused.get(),
          CommandSubjects.of(command));
      throw new RefusedOnOutsideRoute(
          "Refused: this "
              + refused.get()
              + ". Flowgate's processes are changed only through Flowgate (its API, Tasklist's"
              + " approval tasks, job retries in Cockpit)");
    }
    if (command instanceof CompleteTaskCmd || command instanceof SubmitTaskFormCmd) {
      try {
        return next.execute(command);
      } catch (ProcessEngineException e) {
        if (!refusedByFlowgate(e)) {
          refusals.refused(
              EngineRefusals.COMPLETION_REFUSED,
              route.get(),
              user(),
              name(command),
              "the engine refused to complete the task: " + e.getClass().getSimpleName(),
              CommandSubjects.of(command));
        }
        throw e;
      }
    }
    return next.execute(command);
  }

  /** Flowgate's own refusals (the four-eyes listener's) are audited where they are made. */
  private static boolean refusedByFlowgate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getName().startsWith("io.flowgate.")) {
        return true;
      }
    }
    return false;
  }

  private String user() {
    Authentication authentication = identity.getCurrentAuthentication();
    return authentication == null ? null : authentication.getUserId();
  }

  private static String name(Command<?> command) {
    return command.getClass().getSimpleName();
  }
}
