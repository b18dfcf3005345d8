package io.flowgate.engine.promotion;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class PromotionRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, pipeline_id, pipeline_name, source_stage_id,"
          + " source_stage_name, target_stage_id, target_stage_name, target_protected,"
          + " target_final, stage_approver_group, requested_snapshot_id, snapshot_id,"
          + " snapshot_hash, change_count, diff_summary, requested_by, requested_via, requested_at,"
          + " request_comment, callback_url, state, state_reason, approvals_required,"
          + " approver_group, expires_at, process_instance_id, finished_at, kind";

  private final JdbcClient jdbc;

  PromotionRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Promotion> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.promotion where id = ?")
        .param(id)
        .query(PromotionRepository::map)
        .optional();
  }

  /** The promotion, locked until the transaction ends: decisions on it queue up. */
  Optional<Promotion> lock(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.promotion where id = ? for update")
        .param(id)
        .query(PromotionRepository::map)
        .optional();
  }

  List<Promotion> ofPipeline(String pipelineId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.promotion where pipeline_id = ? order by requested_at desc"
                + " limit 200")
        .param(pipelineId)
        .query(PromotionRepository::map)
        .list();
  }

  /** The promotion still working on the stage, if any. */
  Optional<Promotion> activeInto(String targetStageId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.promotion where target_stage_id = ?"
                + " and state in ('resolving', 'awaiting-approval', 'deploying')")
        .param(targetStageId)
        .query(PromotionRepository::map)
        .optional();
  }

  /**
   * The snapshot that the latest completed promotion into a protected stage, with two approvals,
   * brought the instance, other than the one it runs now: where an emergency rollback goes back to
   * (never to what an open stage, or another emergency rollback, put there).
   */
  Optional<String> lastApprovedSnapshot(String instanceId, String runningSnapshotId) {
    return jdbc.sql(
            "select p.snapshot_id from flowgate.promotion p join flowgate.promotion_target t"
                + " on t.promotion_id = p.id where t.instance_id = ? and p.state = 'completed'"
                + " and p.kind = 'promotion' and p.target_protected and p.approvals_required >= 2"
                + " and p.snapshot_id is not null and p.snapshot_id <> coalesce(?, '')"
                + " order by p.finished_at desc limit 1")
        .params(instanceId, runningSnapshotId)
        .query(String.class)
        .optional();
  }

  void insert(Promotion p) {
    jdbc.sql(
            "insert into flowgate.promotion ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?)")
        .params(
            p.id(),
            p.organizationId(),
            p.teamId(),
            p.pipelineId(),
            p.pipelineName(),
            p.sourceStageId(),
            p.sourceStageName(),
            p.targetStageId(),
            p.targetStageName(),
            p.targetProtected(),
            p.targetFinal(),
            p.stageApproverGroup(),
            p.requestedSnapshotId(),
            p.snapshotId(),
            p.snapshotHash(),
            p.changeCount(),
            p.diffSummary(),
            p.requestedBy(),
            p.requestedVia(),
            Timestamp.from(p.requestedAt()),
            p.requestComment(),
            p.callbackUrl(),
            p.state().value(),
            p.stateReason(),
            p.approvalsRequired(),
            p.approverGroup(),
            p.expiresAt() == null ? null : Timestamp.from(p.expiresAt()),
            p.processInstanceId(),
            p.finishedAt() == null ? null : Timestamp.from(p.finishedAt()),
            p.kind())
        .update();
  }

  void setProcess(String id, String processInstanceId) {
    jdbc.sql("update flowgate.promotion set process_instance_id = ? where id = ?")
        .params(processInstanceId, id)
        .update();
  }

  void resolved(String id, String snapshotId, String hash, int changeCount, String summary) {
    jdbc.sql(
            "update flowgate.promotion set snapshot_id = ?, snapshot_hash = ?, change_count = ?,"
                + " diff_summary = ? where id = ?")
        .params(snapshotId, hash, changeCount, summary, id)
        .update();
  }

  /**
   * Stores the approval policy unless one is stored already: a promotion's policy is decided once.
   *
   * @return whether it was stored
   */
  boolean policyOnce(String id, int approvalsRequired, String group, Instant expiresAt) {
    return jdbc.sql(
                "update flowgate.promotion set approvals_required = ?, approver_group = ?,"
                    + " expires_at = ? where id = ? and approvals_required is null")
            .params(approvalsRequired, group, Timestamp.from(expiresAt), id)
            .update()
        == 1;
  }

  void setState(String id, PromotionState state, String reason, Instant at) {
    jdbc.sql(
            "update flowgate.promotion set state = ?, state_reason = ?, finished_at = ?"
                + " where id = ?")
        .params(state.value(), reason, state.isFinal() ? Timestamp.from(at) : null, id)
        .update();
  }

  List<Approval> approvals(String promotionId) {
    return jdbc.sql(
            "select approver, decision, comment, snapshot_hash, task_id, decided_at"
                + " from flowgate.promotion_approval where promotion_id = ? order by decided_at")
        .param(promotionId)
        .query(
            (rs, n) ->
                new Approval(
                    rs.getString("approver"),
                    rs.getString("decision"),
                    rs.getString("comment"),
                    rs.getString("snapshot_hash"),
                    rs.getString("task_id"),
                    rs.getTimestamp("decided_at").toInstant()))
        .list();
  }

  void insertApproval(String promotionId, Approval a) {
    jdbc.sql(
            "insert into flowgate.promotion_approval (promotion_id, approver, decision, comment,"
                + " snapshot_hash, task_id, decided_at) values (?, ?, ?, ?, ?, ?, ?)")
        .params(
            promotionId,
            a.approver(),
            a.decision(),
            a.comment(),
            a.snapshotHash(),
            a.taskId(),
            Timestamp.from(a.decidedAt()))
        .update();
  }

  List<PromotionTarget> targets(String promotionId) {
    return jdbc.sql(
            "select instance_id, instance_name, backup_snapshot_id, state, reason"
                + " from flowgate.promotion_target where promotion_id = ? order by position")
        .param(promotionId)
        .query(
            (rs, n) ->
                new PromotionTarget(
                    rs.getString("instance_id"),
                    rs.getString("instance_name"),
                    rs.getString("backup_snapshot_id"),
                    rs.getString("state"),
                    rs.getString("reason")))
        .list();
  }

  void insertTarget(String promotionId, int position, String instanceId, String instanceName) {
    jdbc.sql(
            "insert into flowgate.promotion_target (promotion_id, instance_id, instance_name,"
                + " position, state) values (?, ?, ?, ?, 'pending')")
        .params(promotionId, instanceId, instanceName, position)
        .update();
  }

  void targetBackedUp(String promotionId, String instanceId, String backupSnapshotId) {
    jdbc.sql(
            "update flowgate.promotion_target set backup_snapshot_id = ?, state = 'backed-up'"
                + " where promotion_id = ? and instance_id = ?")
        .params(backupSnapshotId, promotionId, instanceId)
        .update();
  }

  void targetState(String promotionId, String instanceId, String state, String reason) {
    jdbc.sql(
            "update flowgate.promotion_target set state = ?, reason = ?"
                + " where promotion_id = ? and instance_id = ?")
        .params(state, reason, promotionId, instanceId)
        .update();
  }

  private static Promotion map(ResultSet rs, int row) throws SQLException {
    Timestamp expires = rs.getTimestamp("expires_at");
    Timestamp finished = rs.getTimestamp("finished_at");
    return new Promotion(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("pipeline_id"),
        rs.getString("pipeline_name"),
        rs.getString("source_stage_id"),
        rs.getString("source_stage_name"),
        rs.getString("target_stage_id"),
        rs.getString("target_stage_name"),
        rs.getBoolean("target_protected"),
        rs.getBoolean("target_final"),
        rs.getString("stage_approver_group"),
        rs.getString("requested_snapshot_id"),
        rs.getString("snapshot_id"),
        rs.getString("snapshot_hash"),
        (Integer) rs.getObject("change_count"),
        rs.getString("diff_summary"),
        rs.getString("requested_by"),
        rs.getString("requested_via"),
        rs.getTimestamp("requested_at").toInstant(),
        rs.getString("request_comment"),
        rs.getString("callback_url"),
        PromotionState.of(rs.getString("state")),
        rs.getString("state_reason"),
        (Integer) rs.getObject("approvals_required"),
        rs.getString("approver_group"),
        expires == null ? null : expires.toInstant(),
        rs.getString("process_instance_id"),
        finished == null ? null : finished.toInstant(),
        rs.getString("kind"));
  }
}
