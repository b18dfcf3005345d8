package io.flowgate.engine.instance;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class InstanceRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, application_id, name, runtime, stack, nano_cpus,"
          + " memory_bytes, restart_policy, port, container_name, url, state, state_reason,"
          + " state_changed_at, last_failure_reason, last_failure_at, credential_secret, editor_user, editor_password,"
          + " editor_password_hash, initial_flows, operation, operation_process_id, restarts,"
          + " last_restart_at, created_at, created_by, settings";
  // the snapshot an instance runs is set by deploys, never by an insert
  private static final String SELECT = "select " + COLUMNS + ", snapshot_id";

  private final JdbcClient jdbc;

  InstanceRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<InstanceRow> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql(SELECT + " from flowgate.instance where id = ?")
        .param(id)
        .query(InstanceRepository::map)
        .optional();
  }

  /** The row, locked until the transaction ends, so state changes of one instance queue up. */
  Optional<InstanceRow> lock(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql(SELECT + " from flowgate.instance where id = ? for update")
        .param(id)
        .query(InstanceRepository::map)
        .optional();
  }

  List<InstanceRow> ofTeam(String teamId) {
    return jdbc.sql(SELECT + " from flowgate.instance where team_id = ? order by name, id")
        .param(teamId)
        .query(InstanceRepository::map)
        .list();
  }

  List<InstanceRow> ofTeams(List<String> teamIds) {
    if (teamIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            SELECT + " from flowgate.instance where team_id = any(?) order by team_id, name, id")
        .param(teamIds.toArray(String[]::new))
        .query(InstanceRepository::map)
        .list();
  }

  List<InstanceRow> inState(InstanceState state) {
    return jdbc.sql(SELECT + " from flowgate.instance where state = ? order by id")
        .param(state.value())
        .query(InstanceRepository::map)
        .list();
  }

  List<InstanceRow> withOperation() {
    return jdbc.sql(
            SELECT + " from flowgate.instance where operation_process_id is not null order by id")
        .query(InstanceRepository::map)
        .list();
  }

  boolean nameTaken(String teamId, String name) {
    return jdbc.sql("select count(*) from flowgate.instance where team_id = ? and name = ?")
            .params(teamId, name)
            .query(Integer.class)
            .single()
        > 0;
  }

  int countOfTeam(String teamId) {
    return jdbc.sql("select count(*) from flowgate.instance where team_id = ?")
        .param(teamId)
        .query(Integer.class)
        .single();
  }

  List<Integer> reservedPorts() {
    return jdbc.sql("select port from flowgate.instance where port is not null")
        .query(Integer.class)
        .list();
  }

  boolean exists(String id) {
    return jdbc.sql("select count(*) from flowgate.instance where id = ?")
            .param(id)
            .query(Integer.class)
            .single()
        > 0;
  }

  void insert(InstanceRow row) {
    jdbc.sql(
            "insert into flowgate.instance ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?)")
        .params(
            row.id(),
            row.organizationId(),
            row.teamId(),
            row.applicationId(),
            row.name(),
            row.runtime(),
            row.stack(),
            row.nanoCpus(),
            row.memoryBytes(),
            row.restartPolicy().value(),
            row.port(),
            row.containerName(),
            row.url(),
            row.state().value(),
            row.stateReason(),
            Timestamp.from(row.stateChangedAt()),
            row.lastFailureReason(),
            row.lastFailureAt() == null ? null : Timestamp.from(row.lastFailureAt()),
            row.sealedCredentialSecret(),
            row.editorUser(),
            row.sealedEditorPassword(),
            row.editorPasswordHash(),
            row.initialFlows(),
            row.operation(),
            row.operationProcessId(),
            row.restarts(),
            row.lastRestartAt() == null ? null : Timestamp.from(row.lastRestartAt()),
            Timestamp.from(row.createdAt()),
            row.createdBy(),
            row.settings())
        .update();
  }

  /** Sets the state; a crash or failure also becomes the instance's last failure. */
  void setState(String id, InstanceState state, String reason, Instant at) {
    jdbc.sql(
            "update flowgate.instance set state = ?, state_reason = ?, state_changed_at = ?"
                + " where id = ?")
        .params(state.value(), reason, Timestamp.from(at), id)
        .update();
    if (state == InstanceState.CRASHED || state == InstanceState.FAILED) {
      jdbc.sql(
              "update flowgate.instance set last_failure_reason = ?, last_failure_at = ?"
                  + " where id = ?")
          .params(reason, Timestamp.from(at), id)
          .update();
    }
  }

  void recordFailure(String id, String reason, Instant at) {
    jdbc.sql(
            "update flowgate.instance set last_failure_reason = ?, last_failure_at = ?"
                + " where id = ?")
        .params(reason, Timestamp.from(at), id)
        .update();
  }

  void setOperation(String id, String operation, String processInstanceId) {
    jdbc.sql("update flowgate.instance set operation = ?, operation_process_id = ? where id = ?")
        .params(operation, processInstanceId, id)
        .update();
  }

  /** Ends the operation, unless a newer one has taken its place meanwhile. */
  void endOperation(String id, String processInstanceId) {
    jdbc.sql(
            "update flowgate.instance set operation = null, operation_process_id = null"
                + " where id = ? and operation_process_id = ?")
        .params(id, processInstanceId)
        .update();
  }

  void setPort(String id, Integer port, String url) {
    jdbc.sql("update flowgate.instance set port = ?, url = ? where id = ?")
        .params(port, url, id)
        .update();
  }

  void countRestart(String id, int restarts, Instant at) {
    jdbc.sql("update flowgate.instance set restarts = ?, last_restart_at = ? where id = ?")
        .params(restarts, Timestamp.from(at), id)
        .update();
  }

  /** The instance's files token: its id and the token sealed with SecretBox, or empty if none. */
  Optional<FilesToken> filesToken(String id) {
    return jdbc.sql(
            "select files_token_id, files_token from flowgate.instance"
                + " where id = ? and files_token_id is not null")
        .param(id)
        .query(
            (rs, row) ->
                new FilesToken(rs.getString("files_token_id"), rs.getString("files_token")))
        .optional();
  }

  /** Flowgate's own Node-RED login of the instance: its user, sealed password and bcrypt hash. */
  void setEditorLogin(String id, String editorUser, String sealedPassword, String passwordHash) {
    jdbc.sql(
            "update flowgate.instance set editor_user = ?, editor_password = ?,"
                + " editor_password_hash = ? where id = ?")
        .params(editorUser, sealedPassword, passwordHash, id)
        .update();
  }

  void setFilesToken(String id, String tokenId, String sealedToken) {
    jdbc.sql("update flowgate.instance set files_token_id = ?, files_token = ? where id = ?")
        .params(tokenId, sealedToken, id)
        .update();
  }

  /** An instance's files token as stored; {@link #toString()} leaves the sealed token out. */
  record FilesToken(String tokenId, String sealedToken) {
    @Override
    public String toString() {
      return "FilesToken[tokenId=" + tokenId + "]";
    }
  }

  /** Forgets the instance's files (their objects are being deleted with its storage). */
  void forgetFiles(String id) {
    jdbc.sql("delete from flowgate.instance_file where instance_id = ?").param(id).update();
  }

  /** The pipeline stages that target the instance: {pipelineId, pipeline, stageId, stage}. */
  List<Map<String, Object>> pipelineStages(String id) {
    return jdbc.sql(
            "select p.id as pipeline_id, p.name as pipeline, s.id as stage_id, s.name as stage"
                + " from flowgate.pipeline_stage_instance t"
                + " join flowgate.pipeline_stage s on s.id = t.stage_id"
                + " join flowgate.pipeline p on p.id = s.pipeline_id"
                + " where t.instance_id = ? order by p.id, s.position")
        .param(id)
        .query(
            (rs, row) -> {
              Map<String, Object> stage = new LinkedHashMap<>();
              stage.put("pipelineId", rs.getString("pipeline_id"));
              stage.put("pipeline", rs.getString("pipeline"));
              stage.put("stageId", rs.getString("stage_id"));
              stage.put("stage", rs.getString("stage"));
              return stage;
            })
        .list();
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.instance where id = ?").param(id).update();
  }

  private static InstanceRow map(ResultSet rs, int row) throws SQLException {
    Timestamp lastRestart = rs.getTimestamp("last_restart_at");
    Timestamp lastFailure = rs.getTimestamp("last_failure_at");
    return new InstanceRow(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("name"),
        rs.getString("runtime"),
        rs.getString("stack"),
        (Long) rs.getObject("nano_cpus"),
        (Long) rs.getObject("memory_bytes"),
        RestartPolicy.of(rs.getString("restart_policy")),
        (Integer) rs.getObject("port"),
        rs.getString("container_name"),
        rs.getString("url"),
        InstanceState.of(rs.getString("state")),
        rs.getString("state_reason"),
        rs.getTimestamp("state_changed_at").toInstant(),
        rs.getString("last_failure_reason"),
        lastFailure == null ? null : lastFailure.toInstant(),
        rs.getString("credential_secret"),
        rs.getString("editor_user"),
        rs.getString("editor_password"),
        rs.getString("editor_password_hash"),
        rs.getString("initial_flows"),
        rs.getString("operation"),
        rs.getString("operation_process_id"),
        rs.getInt("restarts"),
        lastRestart == null ? null : lastRestart.toInstant(),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getString("settings"),
        rs.getString("snapshot_id"));
  }
}
