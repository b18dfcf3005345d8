package io.flowgate.engine.rollout;

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
class RolloutRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, application_id, device_group_id, device_group_name,"
          + " snapshot_id, canary, waves, success_threshold, error_threshold, min_finished,"
          + " wave_timeout, wait_between_waves, manual_gate, auto_rollback, callback_url, plan,"
          + " current_wave, wave_started_at, rollback_started_at, state, state_reason,"
          + " requested_by, requested_at, process_instance_id, finished_at, promotion_id";

  /** A wave's devices by outcome. */
  record WaveCounts(
      int wave, int targeted, int succeeded, int failed, int timedOut, int rolledBack) {}

  /** One device of a rollout. */
  record RolloutDevice(String deviceId, String previousSnapshotId, String outcome) {}

  private final JdbcClient jdbc;

  RolloutRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Rollout> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.rollout where id = ?")
        .param(id)
        .query(RolloutRepository::map)
        .optional();
  }

  boolean activeFor(String deviceGroupId) {
    return jdbc.sql(
                "select count(*) from flowgate.rollout where device_group_id = ?"
                    + " and state in ('running', 'paused', 'awaiting-gate')")
            .param(deviceGroupId)
            .query(Long.class)
            .single()
        > 0;
  }

  void insert(Rollout r) {
    jdbc.sql(
            "insert into flowgate.rollout ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?)")
        .params(
            r.id(),
            r.organizationId(),
            r.teamId(),
            r.applicationId(),
            r.deviceGroupId(),
            r.deviceGroupName(),
            r.snapshotId(),
            r.canary(),
            r.waves(),
            r.successThreshold(),
            r.errorThreshold(),
            r.minFinished(),
            r.waveTimeout(),
            r.waitBetweenWaves(),
            r.manualGate(),
            r.autoRollback(),
            r.callbackUrl(),
            r.plan(),
            r.currentWave(),
            null,
            null,
            r.state(),
            r.stateReason(),
            r.requestedBy(),
            Timestamp.from(r.requestedAt()),
            r.processInstanceId(),
            null,
            r.promotionId())
        .update();
  }

  List<Rollout> ofPromotion(String promotionId) {
    return jdbc.sql(
            "select " + COLUMNS + " from flowgate.rollout where promotion_id = ? order by id")
        .param(promotionId)
        .query(RolloutRepository::map)
        .list();
  }

  void setProcess(String id, String processInstanceId) {
    jdbc.sql("update flowgate.rollout set process_instance_id = ? where id = ?")
        .params(processInstanceId, id)
        .update();
  }

  void setPlan(String id, String plan) {
    jdbc.sql("update flowgate.rollout set plan = ? where id = ?").params(plan, id).update();
  }

  void startWave(String id, int wave, Instant at) {
    jdbc.sql(
            "update flowgate.rollout set current_wave = ?, wave_started_at = ?,"
                + " state = case when state = 'awaiting-gate' then 'running' else state end"
                + " where id = ?")
        .params(wave, Timestamp.from(at), id)
        .update();
  }

  void startRollback(String id, Instant at) {
    jdbc.sql(
            "update flowgate.rollout set rollback_started_at = coalesce(rollback_started_at, ?)"
                + " where id = ?")
        .params(Timestamp.from(at), id)
        .update();
  }

  void setState(String id, String state, String reason, Instant finishedAt) {
    jdbc.sql(
            "update flowgate.rollout set state = ?, state_reason = ?, finished_at = ? where id = ?")
        .params(state, reason, finishedAt == null ? null : Timestamp.from(finishedAt), id)
        .update();
  }

  /** Assigns the devices to their waves in one statement, once (a repeat finds them there). */
  void addDevices(String rolloutId, List<RolloutDevice> devices, List<Integer> waves) {
    if (devices.isEmpty()) {
      return;
    }
    jdbc.sql(
            "insert into flowgate.rollout_device (rollout_id, device_id, wave,"
                + " previous_snapshot_id) select ?, d, w, p"
                + " from unnest(?::text[], ?::int[], ?::text[]) as t(d, w, p)"
                + " on conflict do nothing")
        .params(
            rolloutId,
            devices.stream().map(RolloutDevice::deviceId).toArray(String[]::new),
            waves.toArray(Integer[]::new),
            devices.stream().map(RolloutDevice::previousSnapshotId).toArray(String[]::new))
        .update();
  }

  List<RolloutDevice> devicesOf(String rolloutId, int wave) {
    return devices("wave = ?", rolloutId, wave);
  }

  /** The devices of every wave started so far: what a rollback moves back. */
  List<RolloutDevice> moved(String rolloutId, int upToWave) {
    return devices("wave <= ?", rolloutId, upToWave);
  }

  private List<RolloutDevice> devices(String waveCondition, String rolloutId, int wave) {
    return jdbc.sql(
            "select device_id, previous_snapshot_id, outcome from flowgate.rollout_device"
                + " where rollout_id = ? and "
                + waveCondition
                + " order by device_id")
        .params(rolloutId, wave)
        .query(
            (rs, n) ->
                new RolloutDevice(
                    rs.getString("device_id"),
                    rs.getString("previous_snapshot_id"),
                    rs.getString("outcome")))
        .list();
  }

  void setOutcomes(String rolloutId, List<String> deviceIds, String outcome) {
    if (deviceIds.isEmpty()) {
      return;
    }
    jdbc.sql(
            "update flowgate.rollout_device set outcome = ? where rollout_id = ?"
                + " and device_id = any(?)")
        .params(outcome, rolloutId, deviceIds.toArray(String[]::new))
        .update();
  }

  void setRolledBack(String rolloutId, List<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return;
    }
    jdbc.sql(
            "update flowgate.rollout_device set rolled_back = true where rollout_id = ?"
                + " and device_id = any(?)")
        .params(rolloutId, deviceIds.toArray(String[]::new))
        .update();
  }

  List<WaveCounts> counts(String rolloutId) {
    return jdbc.sql(
            "select wave, count(*) as targeted,"
                + " count(*) filter (where outcome = 'succeeded') as succeeded,"
                + " count(*) filter (where outcome = 'failed') as failed,"
                + " count(*) filter (where outcome = 'timed-out') as timed_out,"
                + " count(*) filter (where rolled_back) as rolled_back"
                + " from flowgate.rollout_device where rollout_id = ? group by wave order by wave")
        .param(rolloutId)
        .query(
            (rs, n) ->
                new WaveCounts(
                    rs.getInt("wave"),
                    rs.getInt("targeted"),
                    rs.getInt("succeeded"),
                    rs.getInt("failed"),
                    rs.getInt("timed_out"),
                    rs.getInt("rolled_back")))
        .list();
  }

  private static Rollout map(ResultSet rs, int row) throws SQLException {
    return new Rollout(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("device_group_id"),
        rs.getString("device_group_name"),
        rs.getString("snapshot_id"),
        (Integer) rs.getObject("canary"),
        rs.getString("waves"),
        rs.getInt("success_threshold"),
        rs.getInt("error_threshold"),
        rs.getInt("min_finished"),
        rs.getString("wave_timeout"),
        rs.getString("wait_between_waves"),
        rs.getBoolean("manual_gate"),
        rs.getBoolean("auto_rollback"),
        rs.getString("callback_url"),
        rs.getString("plan"),
        rs.getInt("current_wave"),
        instant(rs, "wave_started_at"),
        instant(rs, "rollback_started_at"),
        rs.getString("state"),
        rs.getString("state_reason"),
        rs.getString("requested_by"),
        rs.getTimestamp("requested_at").toInstant(),
        rs.getString("process_instance_id"),
        instant(rs, "finished_at"),
        rs.getString("promotion_id"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
