package io.flowgate.engine.pipeline;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The rule that an instance or device group in a protected pipeline stage changes only through an
 * approved promotion. Every route that would change one directly (deploy, rollback, import,
 * settings, files, device targets, rollouts, deletion) asks here first; a refusal is audited in a
 * transaction of its own, so the record stays when the request fails.
 */
@Component
public class StageProtection {

  /** The protected stage that binds an instance or device group. */
  public record ProtectingStage(
      String pipelineId, String pipelineName, String stageId, String stageName) {}

  /** What a refused change was aimed at, for the problem and the audit log. */
  public record Protected(
      String kind, String id, String name, String organizationId, String teamId) {

    public static Protected instance(String id, String name, String organizationId, String teamId) {
      return new Protected("instance", id, name, organizationId, teamId);
    }

    public static Protected deviceGroup(
        String id, String name, String organizationId, String teamId) {
      return new Protected("device-group", id, name, organizationId, teamId);
    }

    public static Protected device(String id, String name, String organizationId, String teamId) {
      return new Protected("device", id, name, organizationId, teamId);
    }
  }

  private final JdbcClient jdbc;
  private final AuditLog audit;
  private final TransactionTemplate ownTransaction;

  StageProtection(JdbcClient jdbc, AuditLog audit, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** The first protected stage (by pipeline name) that deploys to this instance, if any. */
  public Optional<ProtectingStage> ofInstance(String instanceId) {
    return first(
        jdbc.sql(
                "select p.id, p.name, s.id, s.name from flowgate.pipeline_stage_instance si"
                    + " join flowgate.pipeline_stage s on s.id = si.stage_id"
                    + " join flowgate.pipeline p on p.id = s.pipeline_id"
                    + " where si.instance_id = ? and s.protected order by p.name, s.position")
            .param(instanceId)
            .query(StageProtection::stage)
            .list());
  }

  /** The first protected stage that rolls out to this device group, if any. */
  public Optional<ProtectingStage> ofDeviceGroup(String deviceGroupId) {
    return first(
        jdbc.sql(
                "select p.id, p.name, s.id, s.name from flowgate.pipeline_stage_device_group sg"
                    + " join flowgate.pipeline_stage s on s.id = sg.stage_id"
                    + " join flowgate.pipeline p on p.id = s.pipeline_id"
                    + " where sg.device_group_id = ? and s.protected order by p.name, s.position")
            .param(deviceGroupId)
            .query(StageProtection::stage)
            .list());
  }

  /**
   * Refuses a direct change of an instance in a protected stage.
   *
   * @param change what the caller tried, in words that follow "nobody may" ("deploy a snapshot to
   *     it")
   * @throws ApiProblem 403 when the instance is protected; the attempt is audited
   */
  public void checkInstance(Caller caller, Protected instance, String change) {
    Optional<ProtectingStage> stage = ofInstance(instance.id());
    if (stage.isPresent()) {
      throw refuse(actor(caller), instance, stage.get(), change, currentRoute());
    }
  }

  /**
   * As {@link #checkInstance}, for a device group, or a device of it.
   *
   * @param target the group, or a device of the group
   * @param groupId the group whose stages count; null (a device without a group): never protected
   */
  public void checkDeviceGroup(Caller caller, Protected target, String groupId, String change) {
    if (groupId == null) {
      return;
    }
    Optional<ProtectingStage> stage = ofDeviceGroup(groupId);
    if (stage.isPresent()) {
      throw refuse(actor(caller), target, stage.get(), change, currentRoute());
    }
  }

  /**
   * Audits a refused change and makes the 403 problem that names the route that is allowed.
   *
   * @param route how the caller came ("POST /api/v1/instances/x/actions/deploy", or a process)
   */
  public ApiProblem refuse(
      String actor, Protected target, ProtectingStage stage, String change, String route) {
    ownTransaction.executeWithoutResult(
        status -> {
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("change", change);
          details.put("route", route);
          details.put("pipeline", stage.pipelineName());
          details.put("stage", stage.stageName());
          details.put("name", target.name());
          audit.record(
              new AuditEvent(
                  actor,
                  "protection.change-refused",
                  target.kind(),
                  target.id(),
                  target.organizationId(),
                  target.teamId(),
                  details));
        });
    return new ApiProblem(
        HttpStatus.FORBIDDEN,
        "Protected stage",
        capitalized(target.kind())
            + " '"
            + target.name()
            + "' is in the protected stage '"
            + stage.stageName()
            + "' of pipeline '"
            + stage.pipelineName()
            + "': it changes only through an approved promotion (POST /api/v1/pipelines/"
            + stage.pipelineId()
            + "/stages/<previous stage id>/promote"
            + ("instance".equals(target.kind())
                ? ", or in an emergency POST /api/v1/instances/"
                    + target.id()
                    + "/actions/emergency-rollback back to its last approved snapshot"
                : "")
            + "). Nobody may "
            + change
            + " directly, administrators included.",
        List.of());
  }

  private static String actor(Caller caller) {
    return caller == null ? "unknown" : caller.actor();
  }

  /** The request being served, as the audit log names the route; "engine" outside requests. */
  private static String currentRoute() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request) {
      HttpServletRequest http = request.getRequest();
      return http.getMethod() + " " + http.getRequestURI();
    }
    return "engine";
  }

  private static Optional<ProtectingStage> first(List<ProtectingStage> stages) {
    return stages.stream().findFirst();
  }

  private static ProtectingStage stage(ResultSet rs, int row) throws SQLException {
    return new ProtectingStage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
  }

  private static String capitalized(String kind) {
    String words = kind.replace('-', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
