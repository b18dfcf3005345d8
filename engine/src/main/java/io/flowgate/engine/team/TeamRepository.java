package io.flowgate.engine.team;

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
public class TeamRepository {

  private static final String COLUMNS = "t.id, t.organization_id, t.name, t.slug, t.created_at";

  private static final String MEMBER_COLUMNS =
      "team_id, username, role, approver, created_at, approver_since, approver_granted_by,"
          + " approver_confirmed_by, approver_requested_by, approver_requested_at";

  private final JdbcClient jdbc;

  TeamRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Team> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.team t where t.id = ?")
        .param(id)
        .query(TeamRepository::map)
        .optional();
  }

  boolean slugTaken(String organizationId, String slug) {
    return jdbc.sql("select count(*) from flowgate.team where organization_id = ? and slug = ?")
            .params(organizationId, slug)
            .query(Integer.class)
            .single()
        > 0;
  }

  List<Team> ofOrganization(String organizationId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.team t where t.organization_id = ? order by t.slug")
        .param(organizationId)
        .query(TeamRepository::map)
        .list();
  }

  List<Team> ofOrganizationAndMember(String organizationId, String username) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.team t join flowgate.team_member m on m.team_id = t.id"
                + " where t.organization_id = ? and m.username = ? order by t.slug")
        .params(organizationId, username)
        .query(TeamRepository::map)
        .list();
  }

  void insert(Team team, String createdBy) {
    jdbc.sql(
            "insert into flowgate.team (id, organization_id, name, slug, created_at, created_by)"
                + " values (?, ?, ?, ?, ?, ?)")
        .params(
            team.id(),
            team.organizationId(),
            team.name(),
            team.slug(),
            Timestamp.from(team.createdAt()),
            createdBy)
        .update();
  }

  Optional<TeamMember> member(String teamId, String username) {
    if (!Ids.isPlausibleUsername(username)) {
      return Optional.empty();
    }
    return jdbc.sql(
            "select "
                + MEMBER_COLUMNS
                + " from flowgate.team_member"
                + " where team_id = ? and username = ?")
        .params(teamId, username)
        .query(TeamRepository::mapMember)
        .optional();
  }

  List<TeamMember> members(String teamId) {
    return jdbc.sql(
            "select "
                + MEMBER_COLUMNS
                + " from flowgate.team_member"
                + " where team_id = ? order by username")
        .param(teamId)
        .query(TeamRepository::mapMember)
        .list();
  }

  int countOwners(String teamId) {
    return jdbc.sql(
            "select count(*) from flowgate.team_member where team_id = ? and role = 'owner'")
        .param(teamId)
        .query(Integer.class)
        .single();
  }

  void insertMember(Team team, String username, TeamRole role, Instant at) {
    jdbc.sql(
            "insert into flowgate.team_member (team_id, organization_id, username, role, approver,"
                + " created_at, updated_at) values (?, ?, ?, ?, false, ?, ?)")
        .params(
            team.id(),
            team.organizationId(),
            username,
            role.value(),
            Timestamp.from(at),
            Timestamp.from(at))
        .update();
  }

  void updateRole(String teamId, String username, TeamRole role, Instant at) {
    jdbc.sql(
            "update flowgate.team_member set role = ?, updated_at = ?"
                + " where team_id = ? and username = ?")
        .params(role.value(), Timestamp.from(at), teamId, username)
        .update();
  }

  /** The approver right takes effect now; a pending request for it is settled. */
  void grantApprover(
      String teamId, String username, String grantedBy, String confirmedBy, Instant at) {
    jdbc.sql(
            "update flowgate.team_member set approver = true, approver_since = ?,"
                + " approver_granted_by = ?, approver_confirmed_by = ?,"
                + " approver_requested_by = null, approver_requested_at = null, updated_at = ?"
                + " where team_id = ? and username = ?")
        .params(Timestamp.from(at), grantedBy, confirmedBy, Timestamp.from(at), teamId, username)
        .update();
  }

  /** A grant that waits for a second organization admin. */
  void requestApprover(String teamId, String username, String requestedBy, Instant at) {
    jdbc.sql(
            "update flowgate.team_member set approver_requested_by = ?, approver_requested_at = ?,"
                + " updated_at = ? where team_id = ? and username = ?")
        .params(requestedBy, Timestamp.from(at), Timestamp.from(at), teamId, username)
        .update();
  }

  /** No approver right, and no request for one. */
  void revokeApprover(String teamId, String username, Instant at) {
    jdbc.sql(
            "update flowgate.team_member set approver = false, approver_since = null,"
                + " approver_granted_by = null, approver_confirmed_by = null,"
                + " approver_requested_by = null, approver_requested_at = null, updated_at = ?"
                + " where team_id = ? and username = ?")
        .params(Timestamp.from(at), teamId, username)
        .update();
  }

  void deleteMember(String teamId, String username) {
    jdbc.sql("delete from flowgate.team_member where team_id = ? and username = ?")
        .params(teamId, username)
        .update();
  }

  private static Team map(ResultSet rs, int row) throws SQLException {
    return new Team(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("name"),
        rs.getString("slug"),
        rs.getTimestamp("created_at").toInstant());
  }

  private static TeamMember mapMember(ResultSet rs, int row) throws SQLException {
    return new TeamMember(
        rs.getString("team_id"),
        rs.getString("username"),
        TeamRole.of(rs.getString("role")),
        rs.getBoolean("approver"),
        rs.getTimestamp("created_at").toInstant(),
        instant(rs.getTimestamp("approver_since")),
        rs.getString("approver_granted_by"),
        rs.getString("approver_confirmed_by"),
        rs.getString("approver_requested_by"),
        instant(rs.getTimestamp("approver_requested_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
