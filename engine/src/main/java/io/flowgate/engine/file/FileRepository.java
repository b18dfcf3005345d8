package io.flowgate.engine.file;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The rows of instance files and of the uploads and deletes under way ({@code
 * instance_file_operation}). Times of operations are the database's, so engine nodes with different
 * clocks agree on which operation is stale.
 */
@Repository
class FileRepository {

  private static final String COLUMNS = "path, size, sha256, content_type, updated_at, updated_by";

  /** The instance a file belongs to, as far as files care. */
  record Target(String id, String organizationId, String teamId, String name, String state) {
    boolean deleting() {
      return "deleting".equals(state);
    }
  }

  private final JdbcClient jdbc;

  FileRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Target> target(String instanceId) {
    return jdbc.sql(
            "select id, organization_id, team_id, name, state from flowgate.instance where id = ?")
        .param(instanceId)
        .query(FileRepository::target)
        .optional();
  }

  /** The instance, share-locked until the transaction ends: it cannot start being deleted. */
  Optional<Target> lockTarget(String instanceId) {
    return jdbc.sql(
            "select id, organization_id, team_id, name, state from flowgate.instance"
                + " where id = ? for share")
        .param(instanceId)
        .query(FileRepository::target)
        .optional();
  }

  Optional<InstanceFile> find(String instanceId, String path) {
    return jdbc.sql(
            "select " + COLUMNS + " from flowgate.instance_file where instance_id = ? and path = ?")
        .params(instanceId, path)
        .query(FileRepository::file)
        .optional();
  }

  /** The instance's files whose path starts with the prefix, in byte order of their paths. */
  List<InstanceFile> list(String instanceId, String prefix) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.instance_file where instance_id = ? and starts_with(path, ?)"
                + " order by path collate \"C\"")
        .params(instanceId, prefix)
        .query(FileRepository::file)
        .list();
  }

  /** Whether a file lies at one of the paths (the folders of a new file). */
  boolean anyFileAt(String instanceId, List<String> paths) {
    if (paths.isEmpty()) {
      return false;
    }
    return jdbc.sql(
            "select exists (select 1 from flowgate.instance_file"
                + " where instance_id = ? and path = any(?))")
        .params(instanceId, paths.toArray(String[]::new))
        .query(Boolean.class)
        .single();
  }

  /** Whether files lie below the path as a folder. */
  boolean anyFileBelow(String instanceId, String path) {
    return jdbc.sql(
            "select exists (select 1 from flowgate.instance_file"
                + " where instance_id = ? and starts_with(path, ?))")
        .params(instanceId, path + "/")
        .query(Boolean.class)
        .single();
  }

  /** Whether another live upload is at one of the paths or below the path as a folder. */
  boolean anyUploadInTheWay(String instanceId, String path, List<String> folders, Duration stale) {
    return jdbc.sql(
            "select exists (select 1 from flowgate.instance_file_operation"
                + " where instance_id = ? and heartbeat_at > now() - ?::interval"
                + " and (path = any(?) or starts_with(path, ?)))")
        .params(instanceId, interval(stale), folders.toArray(String[]::new), path + "/")
        .query(Boolean.class)
        .single();
  }

  void upsert(String instanceId, InstanceFile file) {
    jdbc.sql(
            "insert into flowgate.instance_file (instance_id, path, size, sha256, content_type,"
                + " updated_at, updated_by) values (?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (instance_id, path) do update set size = excluded.size,"
                + " sha256 = excluded.sha256, content_type = excluded.content_type,"
                + " updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .params(
            instanceId,
            file.path(),
            file.size(),
            file.sha256(),
            file.contentType(),
            Timestamp.from(file.updatedAt()),
            file.updatedBy())
        .update();
  }

  boolean delete(String instanceId, String path) {
    return jdbc.sql("delete from flowgate.instance_file where instance_id = ? and path = ?")
            .params(instanceId, path)
            .update()
        > 0;
  }

  /** Bytes of all files of all instances of the team. */
  long teamUsage(String teamId) {
    return jdbc.sql(
            "select coalesce(sum(f.size), 0) from flowgate.instance_file f"
                + " join flowgate.instance i on i.id = f.instance_id where i.team_id = ?")
        .param(teamId)
        .query(Long.class)
        .single();
  }

  /** Bytes held by the team's live uploads, except the one of this path. */
  long reservedByOthers(String teamId, String instanceId, String path, Duration stale) {
    return jdbc.sql(
            "select coalesce(sum(o.reserved), 0) from flowgate.instance_file_operation o"
                + " join flowgate.instance i on i.id = o.instance_id where i.team_id = ?"
                + " and o.heartbeat_at > now() - ?::interval"
                + " and not (o.instance_id = ? and o.path = ?)")
        .params(teamId, interval(stale), instanceId, path)
        .query(Long.class)
        .single();
  }

  /** Removes the team's operations whose engine node stopped beating for them. */
  int deleteStaleOperations(String teamId, Duration stale) {
    return jdbc.sql(
            "delete from flowgate.instance_file_operation o using flowgate.instance i"
                + " where i.id = o.instance_id and i.team_id = ?"
                + " and o.heartbeat_at <= now() - ?::interval")
        .params(teamId, interval(stale))
        .update();
  }

  /** Claims the path for an upload or delete; false when another one holds it. */
  boolean claim(String instanceId, String path, String actor) {
    return jdbc.sql(
                "insert into flowgate.instance_file_operation (instance_id, path, reserved,"
                    + " started_by, started_at, heartbeat_at) values (?, ?, 0, ?, now(), now())"
                    + " on conflict (instance_id, path) do nothing")
            .params(instanceId, path, actor)
            .update()
        > 0;
  }

  /** Sets the bytes an upload holds and notes it is alive; false when its claim is gone. */
  boolean reserve(String instanceId, String path, long bytes) {
    return jdbc.sql(
                "update flowgate.instance_file_operation set reserved = ?, heartbeat_at = now()"
                    + " where instance_id = ? and path = ?")
            .params(bytes, instanceId, path)
            .update()
        > 0;
  }

  /** Notes the operation is alive; false when its claim is gone. */
  boolean heartbeat(String instanceId, String path) {
    return jdbc.sql(
                "update flowgate.instance_file_operation set heartbeat_at = now()"
                    + " where instance_id = ? and path = ?")
            .params(instanceId, path)
            .update()
        > 0;
  }

  void release(String instanceId, String path) {
    jdbc.sql("delete from flowgate.instance_file_operation where instance_id = ? and path = ?")
        .params(instanceId, path)
        .update();
  }

  private static String interval(Duration duration) {
    return duration.toMillis() + " milliseconds";
  }

  private static Target target(ResultSet rs, int row) throws SQLException {
    return new Target(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("name"),
        rs.getString("state"));
  }

  private static InstanceFile file(ResultSet rs, int row) throws SQLException {
    return new InstanceFile(
        rs.getString("path"),
        rs.getLong("size"),
        rs.getString("sha256"),
        rs.getString("content_type"),
        rs.getTimestamp("updated_at").toInstant(),
        rs.getString("updated_by"));
  }
}
