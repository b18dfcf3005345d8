package io.flowgate.engine.snapshot;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class SnapshotRepository {

  private static final String COLUMNS =
      "id, organization_id, team_id, application_id, instance_id, name, description, kind, hash,"
          + " size_bytes, node_count, node_red_version, created_at, created_by, process_instance_id";

  private final JdbcClient jdbc;

  SnapshotRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Snapshot> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.snapshot where id = ?")
        .param(id)
        .query(SnapshotRepository::map)
        .optional();
  }

  Optional<Snapshot> takenBy(String processInstanceId) {
    return jdbc.sql("select " + COLUMNS + " from flowgate.snapshot where process_instance_id = ?")
        .param(processInstanceId)
        .query(SnapshotRepository::map)
        .optional();
  }

  List<Snapshot> ofInstance(String instanceId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.snapshot where instance_id = ? order by created_at desc, id")
        .param(instanceId)
        .query(SnapshotRepository::map)
        .list();
  }

  /** Automatic snapshots of the instance beyond the newest {@code keep}, oldest last. */
  List<Snapshot> autoBeyond(String instanceId, int keep) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.snapshot where instance_id = ? and kind = 'auto'"
                + " order by created_at desc, id offset ?")
        .params(instanceId, keep)
        .query(SnapshotRepository::map)
        .list();
  }

  void insert(Snapshot s) {
    jdbc.sql(
            "insert into flowgate.snapshot ("
                + COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            s.id(),
            s.organizationId(),
            s.teamId(),
            s.applicationId(),
            s.instanceId(),
            s.name(),
            s.description(),
            s.kind().value(),
            s.hash(),
            s.sizeBytes(),
            s.nodeCount(),
            s.nodeRedVersion(),
            Timestamp.from(s.createdAt()),
            s.createdBy(),
            s.processInstanceId())
        .update();
  }

  /**
   * Whether something still needs the snapshot: an instance runs it, a device is to run it, a
   * promotion names it (as what it promotes, or as a target's backup: promotions are the record of
   * what was approved), a rollout sent it, or a rollout under way may roll devices back to it.
   */
  boolean inUse(String id) {
    return jdbc.sql(
                "select (select count(*) from flowgate.instance where snapshot_id = :id)"
                    + " + (select count(*) from flowgate.device where target_snapshot_id = :id)"
                    + " + (select count(*) from flowgate.promotion where snapshot_id = :id"
                    + " or requested_snapshot_id = :id)"
                    + " + (select count(*) from flowgate.promotion_target"
                    + " where backup_snapshot_id = :id)"
                    // what a rollout sent, and what a rollout still under way may send back
                    + " + (select count(*) from flowgate.rollout where snapshot_id = :id)"
                    + " + (select count(*) from flowgate.rollout_device rd"
                    + " join flowgate.rollout r on r.id = rd.rollout_id"
                    + " where rd.previous_snapshot_id = :id"
                    + " and r.state in ('running', 'paused', 'awaiting-gate'))")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  boolean hashShared(String hash, String exceptId) {
    return jdbc.sql("select count(*) from flowgate.snapshot where hash = ? and id <> ?")
            .params(hash, exceptId)
            .query(Long.class)
            .single()
        > 0;
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.snapshot where id = ?").param(id).update();
  }

  private static Snapshot map(ResultSet rs, int row) throws SQLException {
    return new Snapshot(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("application_id"),
        rs.getString("instance_id"),
        rs.getString("name"),
        rs.getString("description"),
        SnapshotKind.of(rs.getString("kind")),
        rs.getString("hash"),
        rs.getLong("size_bytes"),
        rs.getInt("node_count"),
        rs.getString("node_red_version"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"),
        rs.getString("process_instance_id"));
  }
}
