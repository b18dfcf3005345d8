package io.flowgate.engine.pipeline;

import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.CamundaIdentity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Pipelines with their stages and the stages' target instances. */
@Repository
class PipelineRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, application_id, name, created_at, created_by, updated_at,"
          + " updated_by";

  /** A pipeline's own row, without its stages. */
  record PipelineRow(
      String id,
      String organizationId,
      String teamId,
      String applicationId,
      String name,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      String updatedBy) {}

  /** A stage as stored: {@code approverGroup} is null for the team's approvers group. */
  record StageRow(
      String id,
      int position,
      String name,
      StageAction action,
      boolean isProtected,
      String approverGroup,
      List<String> instances,
      List<String> deviceGroups) {}

  /**
   * The names of the given instances whose Node-RED login is still the one of before personal
   * editor logins (any user but Flowgate's own, {@code flowgate:system}, see EditorLogins).
   */
  List<String> instancesWithSharedEditorLogin(Collection<String> instanceIds) {
    if (instanceIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "select name from flowgate.instance where id = any(?)"
                + " and editor_user <> 'flowgate:system' order by name")
        .param(instanceIds.toArray(String[]::new))
        .query(String.class)
        .list();
  }

  /** The lock every write of stage targets takes, so that the checks above see each other's. */
  private static final long STAGE_TARGETS_LOCK = 0x666c6f7767617465L;

  /**
   * Serializes writes of pipeline stages until the transaction ends: whether a target of a
   * protected stage is also another pipeline's is read from other pipelines' rows, which a
   * concurrent write could change between that read and this write.
   */
  void lockStageTargets() {
    jdbc.sql("select pg_advisory_xact_lock(?)")
        .param(STAGE_TARGETS_LOCK)
        .query((rs, row) -> row)
        .list();
  }

  /** A stage of another pipeline that targets one of the given instances or device groups. */
  record OtherStage(String targetId, String pipelineName, String stageName, boolean isProtected) {}

  /**
   * The stages of pipelines other than this one (null: of every pipeline) that target any of these
   * instances or device groups.
   */
  List<OtherStage> otherStagesTargeting(String pipelineId, Collection<String> targetIds) {
    if (targetIds.isEmpty()) {
      return List.of();
    }
    return jdbc.sql(
            "select t.target_id, p.name, s.name, s.protected from ("
                + " select stage_id, instance_id as target_id from flowgate.pipeline_stage_instance"
                + " union all select stage_id, device_group_id from"
                + " flowgate.pipeline_stage_device_group) t"
                + " join flowgate.pipeline_stage s on s.id = t.stage_id"
                + " join flowgate.pipeline p on p.id = s.pipeline_id"
                + " where t.target_id = any(?) and (?::text is null or p.id <> ?)"
                + " order by p.name, s.position")
        .params(targetIds.toArray(String[]::new), pipelineId, pipelineId)
        .query(
            (rs, row) ->
                new OtherStage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
        .list();
  }

  /**
   * The stages of the pipeline that a promotion has completed into or is under way into: the
   * protected ones among them bind everyone who edits the pipeline ({@link ProtectedStageChanges}).
   * Read from the promotions' table, which refers to stages by id.
   */
  Set<String> stagesPromotedInto(String pipelineId) {
    return new HashSet<>(
        jdbc.sql(
                "select distinct target_stage_id from flowgate.promotion where pipeline_id = ?"
                    + " and state in ('resolving', 'awaiting-approval', 'deploying',"
                    + " 'completed')")
            .param(pipelineId)
            .query(String.class)
            .list());
  }

  /** The application of each device group among these ids that exists. */
  Map<String, String> deviceGroupApplications(Collection<String> ids) {
    Map<String, String> found = new HashMap<>();
    List<String> wellFormed = ids.stream().filter(Ids::isWellFormed).distinct().toList();
    if (wellFormed.isEmpty()) {
      return found;
    }
    jdbc.sql("select id, application_id from flowgate.device_group where id in (:ids)")
        .param("ids", wellFormed)
        .query(
            (RowCallbackHandler)
                rs -> found.put(rs.getString("id"), rs.getString("application_id")));
    return found;
  }

  /** What a pipeline needs to know about an instance that a stage names. */
  record InstanceRef(String id, String teamId, String applicationId, String name, String state) {}

  private final JdbcClient jdbc;

  PipelineRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Pipeline> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.pipeline where id = ?")
        .param(id)
        .query(PipelineRepository::map)
        .optional()
        .map(row -> withStages(List.of(row)).get(0));
  }

  /** The pipeline, locked until the transaction ends, so changes of one pipeline queue up. */
  Optional<Pipeline> lock(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.pipeline where id = ? for update")
        .param(id)
        .query(PipelineRepository::map)
        .optional()
        .map(row -> withStages(List.of(row)).get(0));
  }

  List<Pipeline> ofApplication(String applicationId) {
    return withStages(
        jdbc.sql(
                "select "
                    + COLUMNS
                    + " from flowgate.pipeline where application_id = ? order by lower(name), id")
            .param(applicationId)
            .query(PipelineRepository::map)
            .list());
  }

  /** Whether another pipeline of the application has this name (in any letter case). */
  boolean nameTaken(String applicationId, String name, String exceptId) {
    return jdbc.sql(
                "select count(*) from flowgate.pipeline where application_id = ?"
                    + " and lower(name) = lower(?) and id <> ?")
            .params(applicationId, name, exceptId == null ? "" : exceptId)
            .query(Integer.class)
            .single()
        > 0;
  }

  /**
   * The instances among these ids that exist; malformed ids are simply not found. The rows stay
   * locked against deletion until the transaction ends, so a stage never targets a vanished one.
   */
  Map<String, InstanceRef> instances(Collection<String> ids) {
    List<String> wellFormed = ids.stream().filter(Ids::isWellFormed).distinct().toList();
    if (wellFormed.isEmpty()) {
      return Map.of();
    }
    Map<String, InstanceRef> found = new HashMap<>();
    jdbc.sql(
            "select id, team_id, application_id, name, state from flowgate.instance"
                + " where id in (:ids) for share")
        .param("ids", wellFormed)
        .query(
            (rs, row) ->
                new InstanceRef(
                    rs.getString("id"),
                    rs.getString("team_id"),
                    rs.getString("application_id"),
                    rs.getString("name"),
                    rs.getString("state")))
        .list()
        .forEach(instance -> found.put(instance.id(), instance));
    return found;
  }

  void insert(PipelineRow pipeline) {
    jdbc.sql(
            "insert into flowgate.pipeline (id, organization_id, team_id, application_id, name,"
                + " created_at, created_by, updated_at, updated_by)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            pipeline.id(),
            pipeline.organizationId(),
            pipeline.teamId(),
            pipeline.applicationId(),
            pipeline.name(),
            Timestamp.from(pipeline.createdAt()),
            pipeline.createdBy(),
            Timestamp.from(pipeline.updatedAt()),
            pipeline.updatedBy())
        .update();
  }

  void update(String id, String name, Instant updatedAt, String updatedBy) {
    jdbc.sql("update flowgate.pipeline set name = ?, updated_at = ?, updated_by = ? where id = ?")
        .params(name, Timestamp.from(updatedAt), updatedBy, id)
        .update();
  }

  /**
   * Makes the pipeline's stages these, in this order: stages of the pipeline not among them are
   * deleted, the others updated in place (keeping their ids), and their targets replaced.
   */
  void replaceStages(String pipelineId, List<StageRow> stages) {
    List<String> kept = stages.stream().map(StageRow::id).toList();
    // targets first: they are written anew below
    jdbc.sql(
            "delete from flowgate.pipeline_stage_instance where stage_id in"
                + " (select id from flowgate.pipeline_stage where pipeline_id = ?)")
        .param(pipelineId)
        .update();
    jdbc.sql(
            "delete from flowgate.pipeline_stage_device_group where stage_id in"
                + " (select id from flowgate.pipeline_stage where pipeline_id = ?)")
        .param(pipelineId)
        .update();
    jdbc.sql(
            "delete from flowgate.pipeline_stage where pipeline_id = :pipeline"
                + " and id not in (:kept)")
        .param("pipeline", pipelineId)
        .param("kept", kept)
        .update();
    // names are unique at once (positions only at commit): a kept stage may take the name another
    // one gives up, so each first gets a name no stage can have (names never start with a blank)
    jdbc.sql("update flowgate.pipeline_stage set name = ' ' || id where pipeline_id = ?")
        .param(pipelineId)
        .update();
    for (StageRow stage : stages) {
      int updated =
          jdbc.sql(
                  "update flowgate.pipeline_stage set position = ?, name = ?, action = ?,"
                      + " protected = ?, approver_group = ? where id = ? and pipeline_id = ?")
              .params(
                  stage.position(),
                  stage.name(),
                  stage.action().value(),
                  stage.isProtected(),
                  stage.approverGroup(),
                  stage.id(),
                  pipelineId)
              .update();
      if (updated == 0) {
        jdbc.sql(
                "insert into flowgate.pipeline_stage (id, pipeline_id, position, name, action,"
                    + " protected, approver_group) values (?, ?, ?, ?, ?, ?, ?)")
            .params(
                stage.id(),
                pipelineId,
                stage.position(),
                stage.name(),
                stage.action().value(),
                stage.isProtected(),
                stage.approverGroup())
            .update();
      }
      for (String instanceId : stage.instances()) {
        jdbc.sql(
                "insert into flowgate.pipeline_stage_instance (stage_id, instance_id)"
                    + " values (?, ?)")
            .params(stage.id(), instanceId)
            .update();
      }
      for (String groupId : stage.deviceGroups()) {
        jdbc.sql(
                "insert into flowgate.pipeline_stage_device_group (stage_id, device_group_id)"
                    + " values (?, ?)")
            .params(stage.id(), groupId)
            .update();
      }
    }
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.pipeline where id = ?").param(id).update();
  }

  private List<Pipeline> withStages(List<PipelineRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    List<String> ids = rows.stream().map(PipelineRow::id).toList();
    Map<String, List<String>> targets = new HashMap<>();
    jdbc.sql(
            "select t.stage_id, t.instance_id from flowgate.pipeline_stage_instance t"
                + " join flowgate.pipeline_stage s on s.id = t.stage_id"
                + " where s.pipeline_id in (:ids) order by t.instance_id collate \"C\"")
        .param("ids", ids)
        .query(
            (RowCallbackHandler)
                rs ->
                    targets
                        .computeIfAbsent(rs.getString("stage_id"), stage -> new ArrayList<>())
                        .add(rs.getString("instance_id")));
    Map<String, List<String>> groupTargets = new HashMap<>();
    jdbc.sql(
            "select t.stage_id, t.device_group_id from flowgate.pipeline_stage_device_group t"
                + " join flowgate.pipeline_stage s on s.id = t.stage_id"
                + " where s.pipeline_id in (:ids) order by t.device_group_id collate \"C\"")
        .param("ids", ids)
        .query(
            (RowCallbackHandler)
                rs ->
                    groupTargets
                        .computeIfAbsent(rs.getString("stage_id"), stage -> new ArrayList<>())
                        .add(rs.getString("device_group_id")));
    Map<String, List<StageRow>> stages = new LinkedHashMap<>();
    jdbc.sql(
            "select pipeline_id, id, position, name, action, protected, approver_group"
                + " from flowgate.pipeline_stage where pipeline_id in (:ids)"
                + " order by pipeline_id, position")
        .param("ids", ids)
        .query(
            (RowCallbackHandler)
                rs -> {
                  String stageId = rs.getString("id");
                  stages
                      .computeIfAbsent(rs.getString("pipeline_id"), pipeline -> new ArrayList<>())
                      .add(
                          new StageRow(
                              stageId,
                              rs.getInt("position"),
                              rs.getString("name"),
                              StageAction.of(rs.getString("action")),
                              rs.getBoolean("protected"),
                              rs.getString("approver_group"),
                              targets.getOrDefault(stageId, List.of()),
                              groupTargets.getOrDefault(stageId, List.of())));
                });
    return rows.stream()
        .map(row -> pipeline(row, stages.getOrDefault(row.id(), List.of())))
        .toList();
  }

  private static Pipeline pipeline(PipelineRow row, List<StageRow> stages) {
    String teamApprovers = CamundaIdentity.teamApproversGroup(row.teamId());
    return new Pipeline(
        row.id(),
        row.organizationId(),
        row.teamId(),
        row.applicationId(),
        row.name(),
        stages.stream()
            .map(
                stage ->
                    new PipelineStage(
                        stage.id(),
                        stage.name(),
                        stage.position(),
                        stage.instances(),
                        stage.action(),
                        stage.isProtected(),
                        stage.approverGroup() == null ? teamApprovers : stage.approverGroup(),
                        stage.deviceGroups()))
            .toList(),
        row.createdAt(),
        row.createdBy(),
        row.updatedAt(),
        row.updatedBy());
  }

  private static PipelineRow map(ResultSet rs, int row) throws SQLException {
    return new PipelineRow(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("name"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getString("updated_by"));
  }
}
