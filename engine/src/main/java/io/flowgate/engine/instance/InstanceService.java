package io.flowgate.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.application.Application;
import io.flowgate.engine.application.ApplicationService;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.callback.CallbackUrls;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What people and systems do with instances: create one (the provisioning process does the work),
 * look at them, start, stop, restart, suspend and delete them (each a process), read their logs
 * (editor logins: {@link EditorLogins}). Every change is audited.
 */
@Service
public class InstanceService {

  /** What a request that starts a process gets back (HTTP 202). */
  public record Accepted(String id, String processInstanceId, InstanceState state) {}

  private static final Set<String> RESERVED_ENV = Set.of("PORT", "NODE_EXTRA_CA_CERTS");
  private static final List<String> RESERVED_ENV_PREFIXES = List.of("NODE_RED_", "FLOWGATE_");
  private static final int MAX_LOG_LINES = 5000;

  private final InstanceRepository instances;
  private final InstanceEnvRepository env;
  private final InstanceWorkflow workflow;
  private final TeamService teams;
  private final ApplicationService applications;
  private final InstanceRuntime runtime;
  private final InstanceQuota quota;
  private final InstanceTokens tokens;
  private final SecretBox secrets;
  private final AuditLog audit;
  private final Clock clock;
  private final FlowgateProperties properties;
  private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(10);
  private final TransactionTemplate ownTransaction;
  private final StageProtection protection;

  private final CallbackUrls callbackUrls;

  InstanceService(
      InstanceRepository instances,
      InstanceEnvRepository env,
      InstanceWorkflow workflow,
      TeamService teams,
      ApplicationService applications,
      InstanceRuntime runtime,
      InstanceQuota quota,
      InstanceTokens tokens,
      SecretBox secrets,
      AuditLog audit,
      Clock clock,
      FlowgateProperties properties,
      PlatformTransactionManager transactionManager,
      StageProtection protection,
      CallbackUrls callbackUrls) {
    this.protection = protection;
    this.callbackUrls = callbackUrls;
    this.ownTransaction = new TransactionTemplate(transactionManager);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.instances = instances;
    this.env = env;
    this.workflow = workflow;
    this.teams = teams;
    this.applications = applications;
    this.runtime = runtime;
    this.quota = quota;
    this.tokens = tokens;
    this.secrets = secrets;
    this.audit = audit;
    this.clock = clock;
    this.properties = properties;
  }

  @Transactional
  public Accepted create(Caller caller, InstanceRequest request) {
    Team team = teams.get(caller, request.team(), TeamAction.WRITE);
    Application application = applicationOfTeam(caller, request.application(), team);
    String stack = stack(request.stack());
    List<InstanceEnvRepository.StoredEnvVar> environment = environment(request.env());
    String flows = flows(request.flows());
    String settings = NodeRedSettings.validate(request.settings());
    String callbackUrl = callbackUrls.validate(request.callbackUrl());
    quota.reserve(team);
    if (instances.nameTaken(team.id(), request.name())) {
      throw ApiProblem.conflict(
          "The team has an instance named '" + request.name() + "'; choose another name");
    }
    FlowgateProperties.Instances defaults = properties.instances();
    String id = Ids.newId();
    String editorPassword = SecretBox.randomHex(16);
    Instant now = now();
    InstanceRow row =
        new InstanceRow(
            id,
            team.organizationId(),
            team.id(),
            application.id(),
            request.name(),
            runtime.kind(),
            stack,
            Math.round((request.cpus() == null ? defaults.cpus() : request.cpus()) * 1e9),
            (request.memoryMb() == null ? defaults.memoryMb() : request.memoryMb()) * 1024 * 1024,
            request.restartPolicy() == null ? RestartPolicy.ON_FAILURE : request.restartPolicy(),
            null,
            InstanceContainers.containerName(id),
            null,
            InstanceState.PROVISIONING,
            null,
            now,
            null,
            null,
            secrets.encrypt(SecretBox.randomHex(32)),
            EditorLogins.FLOWGATE_USER,
            secrets.encrypt(editorPassword),
            bcrypt.encode(editorPassword),
            flows,
            "provisioning",
            null,
            0,
            null,
            now,
            caller.actor(),
            settings,
            null);
    instances.insert(row);
    tokens.issue(row, caller.actor());
    env.replace(id, environment);
    String processInstanceId =
        workflow.startProvisioning(row, callbackUrl, defaults.provisioningTimeout());
    instances.setOperation(id, "provisioning", processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", row.name());
    details.put("application", application.id());
    details.put("stack", stack);
    details.put("runtime", row.runtime());
    details.put("env", environment.stream().map(v -> v.name()).toList());
    details.put("processInstanceId", processInstanceId);
    audit.record(event(caller.actor(), "instance.requested", row, details));
    return new Accepted(id, processInstanceId, InstanceState.PROVISIONING);
  }

  @Transactional(readOnly = true)
  public List<Instance> list(Caller caller, String teamId) {
    if (teamId != null) {
      Team team = teams.get(caller, teamId, TeamAction.READ);
      return instances.ofTeam(team.id()).stream().map(this::view).toList();
    }
    return instances.ofTeams(quota.visibleTeams(caller)).stream().map(this::view).toList();
  }

  @Transactional(readOnly = true)
  public Instance get(Caller caller, String id) {
    return view(find(caller, id, TeamAction.READ));
  }

  @Transactional
  public Accepted act(Caller caller, String id, InstanceAction action, String requestedCallback) {
    return begin(
        caller,
        id,
        action.value(),
        action.allowedStates(),
        action.passingState(),
        requestedCallback,
        Map.of(),
        (instance, callbackUrl) -> workflow.startAction(action, instance, callbackUrl));
  }

  /** Starts another feature's process on an instance, given the instance and the callback URL. */
  @FunctionalInterface
  public interface OperationStart {
    String start(Instance instance, String callbackUrl);
  }

  /**
   * Starts another feature's process on the instance (a snapshot deploy, a rollback) under the same
   * rule as the actions: one operation at a time, only from the given states. The process ends the
   * operation when it marks the instance (see {@link InstanceSteps}).
   */
  @Transactional
  public Accepted startOperation(
      Caller caller,
      String id,
      String operation,
      Set<InstanceState> from,
      String requestedCallback,
      Map<String, Object> auditDetails,
      OperationStart start) {
    return begin(
        caller,
        id,
        operation,
        from,
        null,
        requestedCallback,
        auditDetails,
        (instance, callbackUrl) -> start.start(view(instance), callbackUrl));
  }

  private interface ProcessStart {
    String start(InstanceRow instance, String callbackUrl);
  }

  /**
   * One operation at a time, only from some states: checks, puts the instance into its passing
   * state (null: it keeps its state), starts the process and audits the request.
   */
  private Accepted begin(
      Caller caller,
      String id,
      String operation,
      Set<InstanceState> from,
      InstanceState passingState,
      String requestedCallback,
      Map<String, Object> auditDetails,
      ProcessStart start) {
    String callbackUrl = callbackUrls.validate(requestedCallback);
    find(caller, id, TeamAction.WRITE);
    // in a transaction of its own: the truth about a cancelled operation stays even if this
    // operation is refused
    ownTransaction.executeWithoutResult(status -> settleIfCancelled(id));
    InstanceRow instance = instances.lock(id).orElseThrow(() -> notFound(id));
    if (instance.operation() != null) {
      throw busy(instance);
    }
    if (!from.contains(instance.state())) {
      throw ApiProblem.conflict(
          "The instance is "
              + instance.state().value()
              + "; "
              + operation
              + " works when it is "
              + from.stream().map(InstanceState::value).sorted().collect(Collectors.joining(", ")));
    }
    if (passingState != null) {
      instances.setState(id, passingState, null, now());
    }
    String processInstanceId = start.start(instance, callbackUrl);
    instances.setOperation(id, operation, processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>(auditDetails);
    details.put("processInstanceId", processInstanceId);
    details.put("from", instance.state().value());
    audit.record(event(caller.actor(), "instance." + operation + "-requested", instance, details));
    return new Accepted(
        id, processInstanceId, passingState == null ? instance.state() : passingState);
  }

  /**
   * Deletes the instance with its container, stored objects (its files) and port. A process still
   * working on it (a provisioning stuck in an incident, a start) is cancelled first. Its files
   * token stops working at once; uploads are refused from now on.
   */
  @Transactional
  public Accepted delete(Caller caller, String id, String requestedCallback) {
    String callbackUrl = callbackUrls.validate(requestedCallback);
    protection.checkInstance(
        caller, protectedView(find(caller, id, TeamAction.WRITE)), "delete it");
    InstanceRow instance = instances.lock(id).orElseThrow(() -> notFound(id));
    if (instance.state() == InstanceState.DELETING && instance.operation() != null) {
      return new Accepted(id, instance.operationProcessId(), InstanceState.DELETING);
    }
    if (instance.operationProcessId() != null) {
      workflow.cancel(
          instance.operationProcessId(), "The instance is being deleted by " + caller.actor());
    }
    instances.setState(id, InstanceState.DELETING, null, now());
    tokens.revoke(id, caller.actor());
    String processInstanceId = workflow.startDeletion(instance, callbackUrl);
    instances.setOperation(id, "delete", processInstanceId);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("processInstanceId", processInstanceId);
    details.put("from", instance.state().value());
    if (instance.operationProcessId() != null) {
      details.put("cancelledProcessInstanceId", instance.operationProcessId());
    }
    audit.record(event(caller.actor(), "instance.delete-requested", instance, details));
    return new Accepted(id, processInstanceId, InstanceState.DELETING);
  }

  /** Settles an operation whose process no longer runs; true when there was one. */
  boolean settleIfCancelled(String id) {
    InstanceRow instance = instances.lock(id).orElse(null);
    if (instance == null
        || instance.operationProcessId() == null
        || workflow.isActive(instance.operationProcessId())) {
      return false;
    }
    cancelledFromOutside(instance);
    return true;
  }

  @Transactional(readOnly = true)
  public String logs(Caller caller, String id, int lines) {
    if (lines < 1 || lines > MAX_LOG_LINES) {
      throw ApiProblem.invalid("lines", "must be between 1 and " + MAX_LOG_LINES);
    }
    InstanceRow instance = find(caller, id, TeamAction.READ);
    if (runtime.inspect(instance.containerName()).isEmpty()) {
      return "";
    }
    return runtime.logs(instance.containerName(), lines);
  }

  /**
   * The operation's process was cancelled from outside (in Cockpit): the operation is over and a
   * passing state no longer tells the truth, so the instance becomes failed (provisioning) or
   * crashed (anything else) with that reason.
   */
  private void cancelledFromOutside(InstanceRow instance) {
    instances.endOperation(instance.id(), instance.operationProcessId());
    String reason = "Its " + instance.operation() + " process was cancelled before it finished";
    switch (instance.state()) {
      case PROVISIONING -> instances.setState(instance.id(), InstanceState.FAILED, reason, now());
      case STARTING, STOPPING, DELETING ->
          instances.setState(instance.id(), InstanceState.CRASHED, reason, now());
      default -> {
        // a stable state stays as it is
      }
    }
  }

  private static StageProtection.Protected protectedView(InstanceRow instance) {
    return StageProtection.Protected.instance(
        instance.id(), instance.name(), instance.organizationId(), instance.teamId());
  }

  private InstanceRow find(Caller caller, String id, TeamAction action) {
    InstanceRow instance = instances.find(id).orElseThrow(() -> notFound(id));
    try {
      teams.get(caller, instance.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw notFound(id); // who may not know the team may not know its instances
      }
      throw problem;
    }
    return instance;
  }

  private Application applicationOfTeam(Caller caller, String applicationId, Team team) {
    Application application;
    try {
      application = applications.get(caller, applicationId);
    } catch (ApiProblem problem) {
      if (problem.status().value() == 404) {
        throw ApiProblem.invalid("application", "no application with this id in the team");
      }
      throw problem;
    }
    if (!application.teamId().equals(team.id())) {
      throw ApiProblem.invalid("application", "no application with this id in the team");
    }
    return application;
  }

  private String stack(String requested) {
    String defaultImage = properties.runtime().nodeRedImage();
    if (requested == null || requested.isBlank() || requested.equals(defaultImage)) {
      return defaultImage;
    }
    List<String> allowed = properties.instances().stacks();
    if (!allowed.contains(requested)) {
      List<String> offered = new ArrayList<>();
      offered.add(defaultImage);
      offered.addAll(allowed);
      throw ApiProblem.invalid(
          "stack",
          "'"
              + requested
              + "' is not offered here; choose one of "
              + String.join(", ", offered)
              + " (FLOWGATE_INSTANCE_STACKS lists more)");
    }
    return requested;
  }

  private List<InstanceEnvRepository.StoredEnvVar> environment(
      List<InstanceRequest.EnvVarRequest> requested) {
    if (requested == null) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    List<InstanceEnvRepository.StoredEnvVar> result = new ArrayList<>();
    for (int i = 0; i < requested.size(); i++) {
      InstanceRequest.EnvVarRequest var = requested.get(i);
      String name = var.name();
      String upper = name.toUpperCase(Locale.ROOT);
      if (RESERVED_ENV.contains(upper)
          || RESERVED_ENV_PREFIXES.stream().anyMatch(upper::startsWith)) {
        throw ApiProblem.invalid(
            "env[" + i + "].name",
            "'"
                + name
                + "' is set by Flowgate (PORT, NODE_EXTRA_CA_CERTS, NODE_RED_*, FLOWGATE_*);"
                + " choose another name");
      }
      if (!seen.add(name)) {
        throw ApiProblem.invalid("env[" + i + "].name", "'" + name + "' is given twice");
      }
      if (var.value().indexOf('\0') >= 0) {
        throw ApiProblem.invalid("env[" + i + "].value", "must not contain NUL characters");
      }
      boolean secret = Boolean.TRUE.equals(var.secret());
      result.add(
          new InstanceEnvRepository.StoredEnvVar(
              name, secret ? secrets.encrypt(var.value()) : var.value(), secret));
    }
    return result;
  }

  private static String flows(JsonNode flows) {
    if (flows == null || flows.isNull()) {
      return null;
    }
    if (!flows.isArray()) {
      throw ApiProblem.invalid("flows", "must be an array of Node-RED nodes (as flows.json holds)");
    }
    for (int i = 0; i < flows.size(); i++) {
      JsonNode node = flows.get(i);
      if (!node.isObject() || !node.path("id").isTextual() || !node.path("type").isTextual()) {
        throw ApiProblem.invalid(
            "flows[" + i + "]", "must be an object with text fields 'id' and 'type'");
      }
    }
    return flows.toString();
  }

  private Instance view(InstanceRow row) {
    List<Instance.EnvVar> vars =
        env.of(row.id()).stream()
            .map(v -> new Instance.EnvVar(v.name(), v.secret() ? null : v.value(), v.secret()))
            .toList();
    return new Instance(
        row.id(),
        row.organizationId(),
        row.teamId(),
        row.applicationId(),
        row.name(),
        row.runtime(),
        row.stack(),
        row.nanoCpus() == null ? 0 : row.nanoCpus() / 1e9,
        row.memoryBytes() == null ? 0 : row.memoryBytes() / (1024 * 1024),
        row.restartPolicy(),
        row.port(),
        row.url(),
        row.state(),
        row.stateReason(),
        row.stateChangedAt(),
        row.lastFailureReason(),
        row.lastFailureAt(),
        vars,
        NodeRedSettings.parse(row.settings()),
        row.snapshotId(),
        row.operation(),
        row.operationProcessId(),
        row.restarts(),
        row.createdAt(),
        row.createdBy());
  }

  private static ApiProblem busy(InstanceRow instance) {
    return ApiProblem.conflict(
        "The instance is busy ("
            + instance.operation()
            + ", process "
            + instance.operationProcessId()
            + "); wait until it ends, or delete the instance");
  }

  private static ApiProblem notFound(String id) {
    return ApiProblem.notFound("Instance", id);
  }

  static AuditEvent event(
      String actor, String action, InstanceRow instance, Map<String, Object> details) {
    return new AuditEvent(
        actor,
        action,
        "instance",
        instance.id(),
        instance.organizationId(),
        instance.teamId(),
        details);
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
