package io.flowgate.engine.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Pipeline changes and the decisions on them. */
@Repository
class PipelineChangeRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, pipeline_id, pipeline_name, kind, requested::text as"
          + " requested, pipeline_updated_at, weakenings::text as weakenings, stage_id, stage_name,"
          + " approvals_required, approver_group, expires_at, requested_by, requested_via,"
          + " requested_at, state, state_reason, process_instance_id, finished_at";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JdbcClient jdbc;

  PipelineChangeRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(PipelineChange c) {
    jdbc.sql(
            "insert into flowgate.pipeline_change (id, organization_id, team_id, pipeline_id,"
                + " pipeline_name, kind, requested, pipeline_updated_at, weakenings, stage_id,"
                + " stage_name, approvals_required, approver_group, expires_at, requested_by,"
                + " requested_via, requested_at, state) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?,"
                + " ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            c.id(),
            c.organizationId(),
            c.teamId(),
            c.pipelineId(),
            c.pipelineName(),
            c.kind(),
            c.requested(),
            Timestamp.from(c.pipelineUpdatedAt()),
            write(c.weakenings()),
            c.stageId(),
            c.stageName(),
            c.approvalsRequired(),
            c.approverGroup(),
            Timestamp.from(c.expiresAt()),
            c.requestedBy(),
            c.requestedVia(),
            Timestamp.from(c.requestedAt()),
            c.state())
        .update();
  }

  void setProcess(String id, String processInstanceId) {
    jdbc.sql("update flowgate.pipeline_change set process_instance_id = ? where id = ?")
        .params(processInstanceId, id)
        .update();
  }

  Optional<PipelineChange> find(String id) {
    return jdbc.sql("select " + COLUMNS + " from flowgate.pipeline_change where id = ?")
        .param(id)
        .query(PipelineChangeRepository::map)
        .optional();
  }

  /** The change, locked until the transaction ends: decisions and steps on it queue up. */
  Optional<PipelineChange> lock(String id) {
    return jdbc.sql("select " + COLUMNS + " from flowgate.pipeline_change where id = ? for update")
        .param(id)
        .query(PipelineChangeRepository::map)
        .optional();
  }

  /** The pipeline's change awaiting approval, if any. */
  Optional<PipelineChange> openOf(String pipelineId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.pipeline_change where pipeline_id = ? and state = ?")
        .params(pipelineId, PipelineChange.AWAITING_APPROVAL)
        .query(PipelineChangeRepository::map)
        .optional();
  }

  List<PipelineChange> ofPipeline(String pipelineId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.pipeline_change where pipeline_id = ?"
                + " order by requested_at desc, id")
        .param(pipelineId)
        .query(PipelineChangeRepository::map)
        .list();
  }

  /** Ends an open change; false when it had ended already (a step repeated). */
  boolean end(String id, String state, String reason, Instant at) {
    return jdbc.sql(
                "update flowgate.pipeline_change set state = ?, state_reason = ?, finished_at = ?"
                    + " where id = ? and state = ?")
            .params(state, reason, Timestamp.from(at), id, PipelineChange.AWAITING_APPROVAL)
            .update()
        > 0;
  }

  void insertDecision(String changeId, PipelineChange.Decision d) {
    jdbc.sql(
            "insert into flowgate.pipeline_change_approval (change_id, approver, decision,"
                + " comment, task_id, decided_at) values (?, ?, ?, ?, ?, ?)")
        .params(
            changeId,
            d.approver(),
            d.decision(),
            d.comment(),
            d.taskId(),
            Timestamp.from(d.decidedAt()))
        .update();
  }

  List<PipelineChange.Decision> decisions(String changeId) {
    return jdbc.sql(
            "select approver, decision, comment, task_id, decided_at"
                + " from flowgate.pipeline_change_approval where change_id = ?"
                + " order by decided_at, approver")
        .param(changeId)
        .query(
            (rs, row) ->
                new PipelineChange.Decision(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getTimestamp(5).toInstant()))
        .list();
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not writable as JSON", e);
    }
  }

  static <T> T read(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON not readable", e);
    }
  }

  private static PipelineChange map(ResultSet rs, int row) throws SQLException {
    Timestamp finished = rs.getTimestamp("finished_at");
    return new PipelineChange(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("pipeline_id"),
        rs.getString("pipeline_name"),
        rs.getString("kind"),
        rs.getString("requested"),
        rs.getTimestamp("pipeline_updated_at").toInstant(),
        read(rs.getString("weakenings"), new TypeReference<List<String>>() {}),
        rs.getString("stage_id"),
        rs.getString("stage_name"),
        rs.getInt("approvals_required"),
        rs.getString("approver_group"),
        rs.getTimestamp("expires_at").toInstant(),
        rs.getString("requested_by"),
        rs.getString("requested_via"),
        rs.getTimestamp("requested_at").toInstant(),
        rs.getString("state"),
        rs.getString("state_reason"),
        rs.getString("process_instance_id"),
        finished == null ? null : finished.toInstant());
  }
}
