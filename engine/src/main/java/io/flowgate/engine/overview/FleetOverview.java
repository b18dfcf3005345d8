package io.flowgate.engine.overview;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Read-only counts and lists over a team's fleet for the console: how many devices are in which
 * state (per group), and the team's rollouts newest first. One query each, whatever the size of the
 * fleet; device states are those written behind from heartbeats (at most a second old).
 */
@Component
class FleetOverview {

  /** A device state that no heartbeat has reported yet. */
  static final String NEVER_SEEN = "never-seen";

  /** The states of a team's devices, in all and per device group. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record DeviceStates(long total, Map<String, Long> states, List<GroupStates> groups) {}

  /** One device group's states; {@code id} null for the devices in no group. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record GroupStates(String id, String name, long total, Map<String, Long> states) {}

  /** A rollout in the team's list; details at {@code GET /api/v1/rollouts/{id}}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record RolloutItem(
      String id,
      String applicationId,
      String deviceGroupId,
      String deviceGroupName,
      String snapshotId,
      String state,
      Instant requestedAt,
      String requestedBy,
      Instant finishedAt,
      String promotionId) {}

  /**
   * One page of rollouts; {@code next} goes in {@code before} for the next page, null at the end.
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record RolloutPage(List<RolloutItem> items, String next) {}

  private final JdbcClient jdbc;

  FleetOverview(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  DeviceStates deviceStates(String teamId, String applicationId) {
    record Row(String groupId, String groupName, String state, long count) {}
    List<Row> rows =
        jdbc.sql(
                "select d.group_id, g.name as group_name, coalesce(d.state, '"
                    + NEVER_SEEN
                    + "') as state, count(*) as count from flowgate.device d"
                    + " left join flowgate.device_group g on g.id = d.group_id"
                    + " where d.team_id = :team"
                    + " and (cast(:application as text) is null or d.application_id = :application)"
                    + " group by 1, 2, 3 order by 2 nulls last, 1, 3")
            .param("team", teamId)
            .param("application", applicationId)
            .query(
                (rs, n) ->
                    new Row(
                        rs.getString("group_id"),
                        rs.getString("group_name"),
                        rs.getString("state"),
                        rs.getLong("count")))
            .list();
    Map<String, Long> all = new TreeMap<>();
    // rows come ordered by group, so a group's rows are consecutive
    List<GroupStates> groups = new ArrayList<>();
    long total = 0;
    Row first = null;
    long groupTotal = 0;
    Map<String, Long> groupStates = new TreeMap<>();
    for (Row row : rows) {
      if (first != null && !Objects.equals(first.groupId(), row.groupId())) {
        groups.add(new GroupStates(first.groupId(), first.groupName(), groupTotal, groupStates));
        groupTotal = 0;
        groupStates = new TreeMap<>();
      }
      if (first == null || !Objects.equals(first.groupId(), row.groupId())) {
        first = row;
      }
      total += row.count();
      groupTotal += row.count();
      all.merge(row.state(), row.count(), Long::sum);
      groupStates.merge(row.state(), row.count(), Long::sum);
    }
    if (first != null) {
      groups.add(new GroupStates(first.groupId(), first.groupName(), groupTotal, groupStates));
    }
    return new DeviceStates(total, all, groups);
  }

  RolloutPage rollouts(String teamId, String applicationId, String before, int limit) {
    List<RolloutItem> items =
        jdbc.sql(
                "select id, application_id, device_group_id, device_group_name, snapshot_id, state,"
                    + " requested_at, requested_by, finished_at, promotion_id from flowgate.rollout r"
                    + " where team_id = :team"
                    + " and (cast(:application as text) is null or application_id = :application)"
                    + " and (cast(:before as text) is null or (requested_at, id) < (select"
                    + " b.requested_at, b.id from flowgate.rollout b where b.id = :before"
                    + " and b.team_id = :team))"
                    + " order by requested_at desc, id desc limit :limit")
            .param("team", teamId)
            .param("application", applicationId)
            .param("before", before)
            .param("limit", limit + 1)
            .query(
                (rs, n) ->
                    new RolloutItem(
                        rs.getString("id"),
                        rs.getString("application_id"),
                        rs.getString("device_group_id"),
                        rs.getString("device_group_name"),
                        rs.getString("snapshot_id"),
                        rs.getString("state"),
                        rs.getTimestamp("requested_at").toInstant(),
                        rs.getString("requested_by"),
                        rs.getTimestamp("finished_at") == null
                            ? null
                            : rs.getTimestamp("finished_at").toInstant(),
                        rs.getString("promotion_id")))
            .list();
    if (items.size() > limit) {
      List<RolloutItem> page = items.subList(0, limit);
      return new RolloutPage(List.copyOf(page), page.get(page.size() - 1).id());
    }
    return new RolloutPage(items, null);
  }
}
