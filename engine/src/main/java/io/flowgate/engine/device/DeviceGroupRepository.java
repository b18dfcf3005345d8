package io.flowgate.engine.device;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class DeviceGroupRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, application_id, name, env, created_at, created_by,"
          + " updated_at, updated_by";

  /** A group's row; {@code envJson} is a JSON list of {@code {name, value}}. */
  record GroupRow(
      String id,
      String organizationId,
      String teamId,
      String applicationId,
      String name,
      String envJson,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      String updatedBy) {}

  private final JdbcClient jdbc;

  DeviceGroupRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(GroupRow row) {
    jdbc.sql(
            "insert into flowgate.device_group ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            row.id(),
            row.organizationId(),
            row.teamId(),
            row.applicationId(),
            row.name(),
            row.envJson(),
            Timestamp.from(row.createdAt()),
            row.createdBy(),
            Timestamp.from(row.updatedAt()),
            row.updatedBy())
        .update();
  }

  Optional<GroupRow> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.device_group where id = ?")
        .param(id)
        .query(DeviceGroupRepository::map)
        .optional();
  }

  Optional<GroupRow> lock(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.device_group where id = ? for update")
        .param(id)
        .query(DeviceGroupRepository::map)
        .optional();
  }

  List<GroupRow> ofApplication(String applicationId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.device_group where application_id = ? order by lower(name), id")
        .param(applicationId)
        .query(DeviceGroupRepository::map)
        .list();
  }

  boolean nameTaken(String applicationId, String name, String exceptId) {
    return jdbc.sql(
                "select count(*) from flowgate.device_group where application_id = ?"
                    + " and lower(name) = lower(?) and id is distinct from ?")
            .params(applicationId, name, exceptId)
            .query(Integer.class)
            .single()
        > 0;
  }

  void update(String id, String name, String envJson, Instant at, String by) {
    jdbc.sql(
            "update flowgate.device_group set name = ?, env = ?, updated_at = ?, updated_by = ?"
                + " where id = ?")
        .params(name, envJson, Timestamp.from(at), by, id)
        .update();
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.device_group where id = ?").param(id).update();
  }

  /** Makes exactly {@code deviceIds} the members of the group; returns the ids that left it. */
  List<String> replaceMembers(String groupId, Collection<String> deviceIds) {
    String[] ids = deviceIds.toArray(String[]::new);
    List<String> left =
        jdbc.sql(
                "update flowgate.device set group_id = null, live_changed_at = clock_timestamp()"
                    + " where group_id = ? and not (id = any(?)) returning id")
            .params(groupId, ids)
            .query((rs, n) -> rs.getString(1))
            .list();
    jdbc.sql(
            "update flowgate.device set group_id = ?, live_changed_at = clock_timestamp()"
                + " where id = any(?) and group_id is distinct from ?")
        .params(groupId, ids, groupId)
        .update();
    return left;
  }

  /**
   * The given devices that belong to another group than {@code groupId} (device id → group name),
   * at most {@code limit}.
   */
  List<String[]> inOtherGroups(String groupId, Collection<String> deviceIds, int limit) {
    return jdbc.sql(
            "select d.id, g.name from flowgate.device d join flowgate.device_group g"
                + " on g.id = d.group_id where d.id = any(?) and d.group_id is distinct from ?"
                + " order by d.id limit ?")
        .params(deviceIds.toArray(String[]::new), groupId, limit)
        .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
        .list();
  }

  /** Devices among {@code deviceIds} that are not of the application (or do not exist). */
  List<String> notOfApplication(String applicationId, Collection<String> deviceIds, int limit) {
    return jdbc.sql(
            "select u.id from unnest(?::text[]) as u(id) left join flowgate.device d"
                + " on d.id = u.id and d.application_id = ? where d.id is null order by u.id"
                + " limit ?")
        .params(deviceIds.toArray(String[]::new), applicationId, limit)
        .query((rs, n) -> rs.getString(1))
        .list();
  }

  private static GroupRow map(ResultSet rs, int row) throws SQLException {
    return new GroupRow(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("name"),
        rs.getString("env"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getString("updated_by"));
  }
}
