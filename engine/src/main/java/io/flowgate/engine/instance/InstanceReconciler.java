package io.flowgate.engine.instance;

import io.flowgate.connectors.runtime.ContainerState;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.runtime.RuntimeUnavailableException;
import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Compares what should run with what runs. A running instance whose container exited or vanished is
 * marked {@code crashed} with the reason and audited, then restarted by the instance-start process
 * as its restart policy says (at most {@code maxRestarts} within {@code restartWindow}, so a crash
 * loop ends visibly). Containers of this installation whose instance no longer exists are removed.
 * When the runtime does not answer, nothing is judged: a daemon restart is not a crash.
 */
@Component
class InstanceReconciler {

  private static final Logger log = LoggerFactory.getLogger(InstanceReconciler.class);
  static final String ACTOR = "reconciler";

  private final InstanceRepository instances;
  private final InstanceContainers containers;
  private final InstanceWorkflow workflow;
  private final InstanceService service;
  private final InstanceRuntime runtime;
  private final AuditLog audit;
  private final Clock clock;
  private final TransactionTemplate transactions;
  private final FlowgateProperties.Instances settings;

  InstanceReconciler(
      InstanceRepository instances,
      InstanceContainers containers,
      InstanceWorkflow workflow,
      InstanceService service,
      InstanceRuntime runtime,
      AuditLog audit,
      Clock clock,
      TransactionTemplate transactions,
      FlowgateProperties properties) {
    this.instances = instances;
    this.containers = containers;
    this.workflow = workflow;
    this.service = service;
    this.runtime = runtime;
    this.audit = audit;
    this.clock = clock;
    this.transactions = transactions;
    this.settings = properties.instances();
  }

  /** What one round found. */
  record Round(int checked, int crashed, int restarted, int orphansRemoved) {}

  Round reconcile() {
    try {
      runtime.ping();
    } catch (RuntimeUnavailableException e) {
      log.warn("Reconciler skips a round: the {} runtime does not answer", runtime.kind());
      return new Round(0, 0, 0, 0);
    }
    int crashed = 0;
    int restarted = 0;
    List<InstanceRow> running = instances.inState(InstanceState.RUNNING);
    for (InstanceRow instance : running) {
      if (instance.operation() != null) {
        continue;
      }
      Optional<String> problem = problem(runtime.inspect(instance.containerName()));
      if (problem.isEmpty()) {
        continue;
      }
      Outcome outcome = transactions.execute(status -> crashed(instance.id(), problem.get()));
      if (outcome != Outcome.UNCHANGED) {
        crashed++;
      }
      if (outcome == Outcome.RESTARTED) {
        restarted++;
      }
    }
    for (InstanceRow instance : instances.withOperation()) {
      if (!workflow.isActive(instance.operationProcessId())) {
        transactions.executeWithoutResult(status -> service.settleIfCancelled(instance.id()));
      }
    }
    int orphans = removeOrphans();
    return new Round(running.size(), crashed, restarted, orphans);
  }

  private enum Outcome {
    UNCHANGED,
    CRASHED,
    RESTARTED
  }

  /** Why a container that should run does not, or empty while it runs. */
  private static Optional<String> problem(Optional<ContainerState> container) {
    if (container.isEmpty()) {
      return Optional.of("Its container vanished");
    }
    ContainerState state = container.get();
    if (state.running()) {
      return Optional.empty();
    }
    return Optional.of(
        "Node-RED stopped ("
            + state.status().name().toLowerCase(java.util.Locale.ROOT)
            + (state.exitCode() == null ? "" : ", exit code " + state.exitCode())
            + ")");
  }

  private Outcome crashed(String instanceId, String reason) {
    // the row is locked and looked at again: a user's stop may have come in meanwhile
    InstanceRow instance = instances.lock(instanceId).orElse(null);
    if (instance == null
        || instance.state() != InstanceState.RUNNING
        || instance.operation() != null) {
      return Outcome.UNCHANGED;
    }
    Optional<ContainerState> container = runtime.inspect(instance.containerName());
    if (problem(container).isEmpty()) {
      return Outcome.UNCHANGED;
    }
    Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    boolean failure =
        container.isEmpty()
            || container.get().exitCode() == null
            || container.get().exitCode() != 0;
    boolean policyRestarts =
        switch (instance.restartPolicy()) {
          case ALWAYS -> true;
          case ON_FAILURE -> failure;
          case NEVER -> false;
        };
    int recentRestarts =
        instance.lastRestartAt() != null
                && instance.lastRestartAt().isAfter(now.minus(settings.restartWindow()))
            ? instance.restarts()
            : 0;
    boolean restart = policyRestarts && recentRestarts < settings.maxRestarts();
    String recorded =
        policyRestarts && !restart
            ? reason
                + "; not restarted: "
                + recentRestarts
                + " restarts within "
                + settings.restartWindow().toMinutes()
                + " min"
            : reason;
    instances.setState(instanceId, InstanceState.CRASHED, recorded, now);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", recorded);
    details.put("restartPolicy", instance.restartPolicy().value());
    audit.record(InstanceService.event(ACTOR, "instance.crashed", instance, details));
    log.warn("Instance {} crashed: {}", instanceId, recorded);
    if (!restart) {
      return Outcome.CRASHED;
    }
    instances.setState(instanceId, InstanceState.STARTING, recorded, now);
    String processInstanceId = workflow.startAction(InstanceAction.START, instance, null);
    instances.setOperation(instanceId, InstanceAction.START.value(), processInstanceId);
    instances.countRestart(instanceId, recentRestarts + 1, now);
    audit.record(
        InstanceService.event(
            ACTOR,
            "instance.start-requested",
            instance,
            Map.of("processInstanceId", processInstanceId, "restart", recentRestarts + 1)));
    return Outcome.RESTARTED;
  }

  private int removeOrphans() {
    int removed = 0;
    for (ContainerState container : runtime.list(containers.installationLabels())) {
      String instanceId = container.labels().get(InstanceContainers.LABEL_INSTANCE);
      if (instanceId == null || instances.exists(instanceId)) {
        continue;
      }
      runtime.remove(container.name());
      audit.record(
          new AuditEvent(
              ACTOR,
              "instance.orphan-removed",
              "instance",
              instanceId,
              null,
              container.labels().get(InstanceContainers.LABEL_TEAM),
              Map.of("container", container.name())));
      log.warn(
          "Removed container {} of instance {}, which no longer exists",
          container.name(),
          instanceId);
      removed++;
    }
    return removed;
  }
}
