package io.flowgate.engine.workflow.lockdown;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audits what the engine refused on an outside route, in a transaction of its own: the refused
 * command changes nothing, the record of the attempt stays. The entry names the Flowgate record the
 * process belongs to (a promotion, by its process's business key) when there is one.
 */
final class EngineRefusals {

  static final String COMMAND_REFUSED = "engine.command-refused";
  static final String COMPLETION_REFUSED = "engine.task-completion-refused";

  /** Flowgate's processes whose business key is the id of a record of that name. */
  private static final Map<String, String> RECORD_OF_PROCESS =
      Map.of("snapshot-promotion", "promotion", "device-rollout", "rollout");

  /** The instance operations: a cancelled one leaves its instance failed or crashed, with why. */
  private static final String SETTLING_PROCESSES = "instance-";

  private final JdbcClient jdbc;
  private final AuditLog audit;
  private final TransactionTemplate ownTransaction;

  EngineRefusals(JdbcClient jdbc, AuditLog audit, PlatformTransactionManager transactions) {
    this.jdbc = jdbc;
    this.audit = audit;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  void refused(
      String action,
      OutsideRoute route,
      String user,
      String command,
      String reason,
      List<String> subjects) {
    ownTransaction.executeWithoutResult(
        status -> {
          Optional<Process> process =
              subjects.stream().flatMap(id -> process(id).stream()).findFirst();
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("route", route.describe());
          details.put("servlet", route.servlet());
          details.put("command", command);
          details.put("reason", reason);
          if (!subjects.isEmpty()) {
            details.put("ids", subjects);
          }
          process.ifPresent(
              p -> {
                details.put("processInstanceId", p.instanceId());
                details.put("process", p.key());
              });
          String actor = user == null ? "unknown" : user;
          audit.record(event(actor, action, process, details));
        });
  }

  private AuditEvent event(
      String actor, String action, Optional<Process> process, Map<String, Object> details) {
    if (process.isEmpty()) {
      return new AuditEvent(actor, action, "engine", null, null, null, details);
    }
    Process p = process.get();
    String record = RECORD_OF_PROCESS.get(p.key());
    if (record == null || p.businessKey() == null) {
      return new AuditEvent(actor, action, "process-instance", p.instanceId(), null, null, details);
    }
    Optional<Map<String, Object>> owner =
        "promotion".equals(record)
            ? jdbc
                .sql("select organization_id, team_id from flowgate.promotion where id = ?")
                .param(p.businessKey())
                .query()
                .listOfRows()
                .stream()
                .findFirst()
            : Optional.empty();
    return new AuditEvent(
        actor,
        action,
        record,
        p.businessKey(),
        owner.map(row -> (String) row.get("organization_id")).orElse(null),
        owner.map(row -> (String) row.get("team_id")).orElse(null),
        details);
  }

  /**
   * Whether every process the ids name is one whose Flowgate record settles itself when the process
   * disappears (the instance operations); false when none is named.
   */
  boolean settleThemselves(List<String> ids) {
    if (ids.isEmpty()) {
      return false;
    }
    for (String id : ids) {
      Optional<Process> process = process(id);
      if (process.isEmpty() || !process.get().key().startsWith(SETTLING_PROCESSES)) {
        return false;
      }
    }
    return true;
  }

  /** The process an id names: a process instance, an execution or a task, running or past. */
  private Optional<Process> process(String id) {
    return jdbc.sql(
            """
            select pi.id_ as instance_id, d.key_ as process_key, pi.business_key_ as business_key
              from act_ru_execution e
              join act_ru_execution pi on pi.id_ = e.proc_inst_id_
              join act_re_procdef d on d.id_ = pi.proc_def_id_
             where e.id_ = :id
            union all
            select pi.id_, d.key_, pi.business_key_
              from act_ru_task t
              join act_ru_execution pi on pi.id_ = t.proc_inst_id_
              join act_re_procdef d on d.id_ = pi.proc_def_id_
             where t.id_ = :id
            union all
            select h.id_, h.proc_def_key_, h.business_key_
              from act_hi_procinst h
             where h.id_ = :id
            limit 1""")
        .param("id", id)
        .query(
            (rs, row) ->
                new Process(
                    rs.getString("instance_id"),
                    rs.getString("process_key"),
                    rs.getString("business_key")))
        .optional();
  }

  private record Process(String instanceId, String key, String businessKey) {}
}
