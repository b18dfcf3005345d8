package io.flowgate.engine.device;

import io.flowgate.engine.platform.Ids;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;

@Repository
class DeviceRepository {

  private static final String COLUMNS =
      "d.id, d.organization_id, d.team_id, d.application_id, d.group_id, d.name, d.type,"
          + " d.token_id, d.credential_secret, d.env, d.node_red_version, d.target_snapshot_id,"
          + " d.settings_hash, d.created_at, d.created_by, "
          + Reports.COLUMNS;

  /** What heartbeats are answered from: the device, its application's name and its token. */
  record LiveRow(
      String id,
      String organizationId,
      String teamId,
      String applicationId,
      String applicationName,
      String name,
      String type,
      String targetSnapshotId,
      String settingsHash,
      String tokenHash,
      boolean tokenActive,
      String sealedCredentialSecret,
      String nodeRedVersionPin,
      Report report) {
    @Override
    public String toString() {
      return "LiveRow[" + id + "]";
    }
  }

  /** What a device's effective settings are made of. */
  record SettingsFacts(
      String id,
      String name,
      String type,
      String applicationId,
      String applicationName,
      String groupEnvJson,
      String envJson,
      String nodeRedVersionPin,
      String settingsHash) {}

  private static final String LIVE_COLUMNS =
      "d.id, d.organization_id, d.team_id, d.application_id, a.name as application_name, d.name,"
          + " d.type, d.target_snapshot_id, d.settings_hash, t.hash as token_hash,"
          + " (t.revoked_at is null) as token_active, d.credential_secret, d.node_red_version,"
          + " "
          + Reports.COLUMNS;

  private static final String LIVE_FROM =
      " from flowgate.device d join flowgate.token t on t.id = d.token_id"
          + " left join flowgate.application a on a.id = d.application_id";

  private final JdbcClient jdbc;
  private final DataSource dataSource;

  DeviceRepository(JdbcClient jdbc, DataSource dataSource) {
    this.jdbc = jdbc;
    this.dataSource = dataSource;
  }

  void insert(DeviceRow row, Instant now) {
    jdbc.sql(
            "insert into flowgate.device (id, organization_id, team_id, application_id, group_id,"
                + " name, type, token_id, credential_secret, env, node_red_version,"
                + " target_snapshot_id, settings_hash, live_changed_at, created_at, created_by)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            row.id(),
            row.organizationId(),
            row.teamId(),
            row.applicationId(),
            row.groupId(),
            row.name(),
            row.type(),
            row.tokenId(),
            row.sealedCredentialSecret(),
            row.envJson(),
            row.nodeRedVersionPin(),
            row.targetSnapshotId(),
            row.settingsHash(),
            Timestamp.from(now),
            Timestamp.from(row.createdAt()),
            row.createdBy())
        .update();
  }

  Optional<DeviceRow> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.device d where d.id = ?")
        .param(id)
        .query(DeviceRepository::map)
        .optional();
  }

  /** Locks the row for a change (a concurrent change of the same device waits). */
  Optional<DeviceRow> lock(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.device d where d.id = ? for update")
        .param(id)
        .query(DeviceRepository::map)
        .optional();
  }

  /** The devices among {@code ids} (unknown ids are left out). */
  List<DeviceRow> findAll(Collection<String> ids) {
    return jdbc.sql("select " + COLUMNS + " from flowgate.device d where d.id = any(?)")
        .param(ids.toArray(String[]::new))
        .query(DeviceRepository::map)
        .list();
  }

  /**
   * A team's devices by name after the given position ({@code afterName} lower-cased and {@code
   * afterId}; both null for the first page), at most {@code limit}, optionally of one application.
   */
  List<DeviceRow> page(
      String teamId, String applicationId, String afterName, String afterId, int limit) {
    StringBuilder sql =
        new StringBuilder("select " + COLUMNS + " from flowgate.device d where d.team_id = :team");
    JdbcClient.StatementSpec spec;
    if (applicationId != null) {
      sql.append(" and d.application_id = :application");
    }
    if (afterName != null) {
      sql.append(" and (lower(d.name), d.id) > (:afterName, :afterId)");
    }
    sql.append(" order by lower(d.name), d.id limit :limit");
    spec = jdbc.sql(sql.toString()).param("team", teamId).param("limit", limit);
    if (applicationId != null) {
      spec = spec.param("application", applicationId);
    }
    if (afterName != null) {
      spec = spec.param("afterName", afterName).param("afterId", afterId);
    }
    return spec.query(DeviceRepository::map).list();
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.device where id = ?").param(id).update();
  }

  void update(String id, String name, String type, String applicationId, String groupId) {
    jdbc.sql(
            "update flowgate.device set name = ?, type = ?, application_id = ?, group_id = ?,"
                + " live_changed_at = clock_timestamp() where id = ?")
        .params(name, type, applicationId, groupId, id)
        .update();
  }

  void updateSettings(String id, String envJson, String nodeRedVersionPin) {
    jdbc.sql("update flowgate.device set env = ?, node_red_version = ? where id = ?")
        .params(envJson, nodeRedVersionPin, id)
        .update();
  }

  /**
   * Sets the target snapshot (null: none) of many devices in one statement; returns how many. The
   * heartbeats' write-behind gives way to it when both want the same rows.
   */
  int setTarget(Collection<String> ids, String snapshotId) {
    return jdbc.sql(
            "update flowgate.device set target_snapshot_id = ?, live_changed_at = clock_timestamp()"
                + " where id = any(?) and target_snapshot_id is distinct from ?")
        .params(snapshotId, ids.toArray(String[]::new), snapshotId)
        .update();
  }

  /** The applications the devices belong to (null for devices without one), distinct. */
  List<String> applicationsOf(Collection<String> ids) {
    return jdbc.sql(
            "select distinct application_id from flowgate.device where id = any(?)"
                + " order by application_id")
        .param(ids.toArray(String[]::new))
        .query((rs, n) -> rs.getString(1))
        .list();
  }

  int countExisting(Collection<String> ids) {
    return jdbc.sql("select count(*) from flowgate.device where id = any(?)")
        .param(ids.toArray(String[]::new))
        .query(Integer.class)
        .single();
  }

  List<DeviceStatus> status(Collection<String> ids) {
    return jdbc.sql(
            "select d.id, d.target_snapshot_id, d.settings_hash, "
                + Reports.COLUMNS
                + " from flowgate.device d where d.id = any(?) order by d.id")
        .param(ids.toArray(String[]::new))
        .query(
            (rs, n) -> {
              Report r = Reports.map(rs);
              return new DeviceStatus(
                  rs.getString("id"),
                  rs.getString("target_snapshot_id"),
                  r.snapshotId(),
                  r.state(),
                  r.restartCount(),
                  r.lastSeenAt(),
                  r.stableHeartbeats(),
                  r.stateSince(),
                  rs.getString("settings_hash"),
                  r.settings());
            })
        .list();
  }

  Optional<LiveRow> live(String id) {
    return jdbc.sql("select " + LIVE_COLUMNS + LIVE_FROM + " where d.id = ?")
        .param(id)
        .query(DeviceRepository::mapLive)
        .optional();
  }

  List<LiveRow> live(Collection<String> ids) {
    return jdbc.sql("select " + LIVE_COLUMNS + LIVE_FROM + " where d.id = any(?)")
        .param(ids.toArray(String[]::new))
        .query(DeviceRepository::mapLive)
        .list();
  }

  List<LiveRow> liveChangedSince(Instant since) {
    return jdbc.sql("select " + LIVE_COLUMNS + LIVE_FROM + " where d.live_changed_at > ?")
        .param(Timestamp.from(since))
        .query(DeviceRepository::mapLive)
        .list();
  }

  /** The devices whose tokens were revoked since then. */
  List<String> revokedSince(Instant since) {
    return jdbc.sql(
            "select subject_id from flowgate.token where kind = 'device' and revoked_at > ?")
        .param(Timestamp.from(since))
        .query((rs, n) -> rs.getString(1))
        .list();
  }

  /** The database's time, which {@code live_changed_at} and {@code revoked_at} are compared to. */
  Instant databaseNow() {
    return jdbc.sql("select clock_timestamp()")
        .query((rs, n) -> rs.getTimestamp(1).toInstant())
        .single();
  }

  List<SettingsFacts> settingsFacts(Collection<String> ids) {
    return jdbc.sql(
            "select d.id, d.name, d.type, d.application_id, a.name as application_name,"
                + " g.env as group_env, d.env, d.node_red_version, d.settings_hash"
                + " from flowgate.device d"
                + " left join flowgate.application a on a.id = d.application_id"
                + " left join flowgate.device_group g on g.id = d.group_id"
                + " where d.id = any(?)")
        .param(ids.toArray(String[]::new))
        .query(
            (rs, n) ->
                new SettingsFacts(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("type"),
                    rs.getString("application_id"),
                    rs.getString("application_name"),
                    rs.getString("group_env"),
                    rs.getString("env"),
                    rs.getString("node_red_version"),
                    rs.getString("settings_hash")))
        .list();
  }

  /** Stores new settings hashes in one statement and marks those devices changed. */
  void updateSettingsHashes(List<String> ids, List<String> hashes) {
    if (ids.isEmpty()) {
      return;
    }
    jdbc.sql(
            "update flowgate.device d set settings_hash = u.hash,"
                + " live_changed_at = clock_timestamp()"
                + " from unnest(?::text[], ?::text[]) as u(id, hash) where d.id = u.id")
        .params(ids.toArray(String[]::new), hashes.toArray(String[]::new))
        .update();
  }

  /** The ids of the members of a group. */
  List<String> membersOf(String groupId) {
    return jdbc.sql("select id from flowgate.device where group_id = ? order by id")
        .param(groupId)
        .query((rs, n) -> rs.getString(1))
        .list();
  }

  /** The snapshots the group's members are to run (their targets), in one query. */
  Set<String> targetsOfGroup(String groupId) {
    return new HashSet<>(
        jdbc.sql(
                "select distinct target_snapshot_id from flowgate.device"
                    + " where group_id = ? and target_snapshot_id is not null")
            .param(groupId)
            .query(String.class)
            .list());
  }

  /** How long the write-behind waits for a row another transaction holds before it gives way. */
  static final int REPORTS_LOCK_TIMEOUT_MILLIS = 200;

  /**
   * Writes the latest reports of many devices in one statement (rows deleted meanwhile are left
   * alone). Runs on its own connection outside any transaction of the caller.
   */
  void writeReports(List<String> ids, List<Report> reports) throws SQLException {
    int n = ids.size();
    String[] state = new String[n];
    Timestamp[] lastSeen = new Timestamp[n];
    String[] snapshot = new String[n];
    String[] settings = new String[n];
    String[] application = new String[n];
    String[] agent = new String[n];
    String[] nodeRed = new String[n];
    String[] nodejs = new String[n];
    Integer[] restarts = new Integer[n];
    Long[] uptime = new Long[n];
    Integer[] stable = new Integer[n];
    Timestamp[] since = new Timestamp[n];
    for (int i = 0; i < n; i++) {
      Report r = reports.get(i);
      state[i] = r.state();
      lastSeen[i] = Timestamp.from(r.lastSeenAt());
      snapshot[i] = r.snapshotId();
      settings[i] = r.settings();
      application[i] = r.application();
      agent[i] = r.agentVersion();
      nodeRed[i] = r.nodeRedVersion();
      nodejs[i] = r.nodejsVersion();
      restarts[i] = r.restartCount();
      uptime[i] = r.uptimeSeconds();
      stable[i] = r.stableHeartbeats();
      since[i] = r.stateSince() == null ? null : Timestamp.from(r.stateSince());
    }
    Connection connection = DataSourceUtils.getConnection(dataSource);
    // Rollout steps update the same rows in bulk, in transactions of their own; the write-behind
    // gives way to them instead of waiting into a deadlock: after a short wait it fails, and its
    // reports are written with the next flush.
    boolean own = !DataSourceUtils.isConnectionTransactional(connection, dataSource);
    boolean autoCommit = connection.getAutoCommit();
    if (own) {
      connection.setAutoCommit(false);
      try (Statement yield = connection.createStatement()) {
        yield.execute("set local lock_timeout = '" + REPORTS_LOCK_TIMEOUT_MILLIS + "ms'");
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "update flowgate.device d set state = u.state, last_seen_at = u.last_seen,"
                + " reported_snapshot_id = u.snapshot, reported_settings = u.settings,"
                + " reported_application = u.application, agent_version = u.agent,"
                + " reported_node_red_version = u.node_red, nodejs_version = u.nodejs,"
                + " restart_count = u.restarts, uptime_seconds = u.uptime,"
                + " stable_heartbeats = u.stable, state_since = u.since"
                + " from unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::bigint[],"
                + " ?::integer[], ?::timestamptz[])"
                + " as u(id, state, last_seen, snapshot, settings, application, agent, node_red,"
                + " nodejs, restarts, uptime, stable, since)"
                + " where d.id = u.id and (d.last_seen_at is null or d.last_seen_at <= u.last_seen)")) {
      Array[] arrays = {
        connection.createArrayOf("text", ids.toArray(String[]::new)),
        connection.createArrayOf("text", state),
        connection.createArrayOf("timestamptz", lastSeen),
        connection.createArrayOf("text", snapshot),
        connection.createArrayOf("text", settings),
        connection.createArrayOf("text", application),
        connection.createArrayOf("text", agent),
        connection.createArrayOf("text", nodeRed),
        connection.createArrayOf("text", nodejs),
        connection.createArrayOf("integer", restarts),
        connection.createArrayOf("bigint", uptime),
        connection.createArrayOf("integer", stable),
        connection.createArrayOf("timestamptz", since)
      };
      for (int i = 0; i < arrays.length; i++) {
        update.setArray(i + 1, arrays[i]);
      }
      update.executeUpdate();
      for (Array array : arrays) {
        array.free();
      }
      if (own) {
        connection.commit();
      }
    } catch (SQLException e) {
      if (own) {
        connection.rollback();
      }
      throw e;
    } finally {
      if (own) {
        connection.setAutoCommit(autoCommit);
      }
      DataSourceUtils.releaseConnection(connection, dataSource);
    }
  }

  private static DeviceRow map(ResultSet rs, int row) throws SQLException {
    return new DeviceRow(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("group_id"),
        rs.getString("name"),
        rs.getString("type"),
        rs.getString("token_id"),
        rs.getString("credential_secret"),
        rs.getString("env"),
        rs.getString("node_red_version"),
        rs.getString("target_snapshot_id"),
        rs.getString("settings_hash"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        Reports.map(rs));
  }

  private static LiveRow mapLive(ResultSet rs, int row) throws SQLException {
    return new LiveRow(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("application_name"),
        rs.getString("name"),
        rs.getString("type"),
        rs.getString("target_snapshot_id"),
        rs.getString("settings_hash"),
        rs.getString("token_hash"),
        rs.getBoolean("token_active"),
        rs.getString("credential_secret"),
        rs.getString("node_red_version"),
        Reports.map(rs));
  }

  /** The reported columns of a device row. */
  static final class Reports {
    static final String COLUMNS =
        "d.state, d.last_seen_at, d.reported_snapshot_id, d.reported_settings,"
            + " d.reported_application, d.agent_version, d.reported_node_red_version,"
            + " d.nodejs_version, d.restart_count, d.uptime_seconds, d.stable_heartbeats,"
            + " d.state_since";

    private Reports() {}

    static Report map(ResultSet rs) throws SQLException {
      Timestamp lastSeen = rs.getTimestamp("last_seen_at");
      if (lastSeen == null) {
        return Report.NONE;
      }
      Timestamp since = rs.getTimestamp("state_since");
      return new Report(
          rs.getString("state"),
          rs.getString("reported_snapshot_id"),
          rs.getString("reported_settings"),
          rs.getString("reported_application"),
          rs.getString("agent_version"),
          rs.getString("reported_node_red_version"),
          rs.getString("nodejs_version"),
          rs.getObject("restart_count", Integer.class),
          rs.getObject("uptime_seconds", Long.class),
          lastSeen.toInstant(),
          rs.getInt("stable_heartbeats"),
          since == null ? null : since.toInstant());
    }
  }
}
