package io.flowgate.engine.token;

import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.team.TeamRole;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class TokenRepository {

  private static final String COLUMNS =
      "id, kind, name, organization_id, team_id, role, subject_id, created_at, created_by,"
          + " expires_at, revoked_at, last_used_at";

  /** A token row without its hash. */
  record Row(
      String id,
      TokenKind kind,
      String name,
      String organizationId,
      String teamId,
      TeamRole role,
      String subjectId,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      Instant revokedAt,
      Instant lastUsedAt) {

    ApiToken view() {
      return new ApiToken(
          id,
          name,
          kind.value(),
          teamId,
          role,
          createdAt,
          createdBy,
          expiresAt,
          revokedAt,
          lastUsedAt);
    }
  }

  private final JdbcClient jdbc;

  TokenRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Row row, String hash) {
    jdbc.sql(
            "insert into flowgate.token (id, kind, name, hash, organization_id, team_id, role,"
                + " subject_id, created_at, created_by, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")
        .params(
            row.id(),
            row.kind().value(),
            row.name(),
            hash,
            row.organizationId(),
            row.teamId(),
            row.role() == null ? null : row.role().value(),
            row.subjectId(),
            Timestamp.from(row.createdAt()),
            row.createdBy(),
            row.expiresAt() == null ? null : Timestamp.from(row.expiresAt()))
        .update();
  }

  Optional<Row> findByHash(String hash) {
    return jdbc.sql("select " + COLUMNS + " from flowgate.token where hash = ?")
        .param(hash)
        .query(TokenRepository::map)
        .optional();
  }

  Optional<Row> find(String teamId, String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.token where team_id = ? and id = ?")
        .params(teamId, id)
        .query(TokenRepository::map)
        .optional();
  }

  Optional<Row> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.token where id = ?")
        .param(id)
        .query(TokenRepository::map)
        .optional();
  }

  /** Revokes every token of a kind that stands for one subject; returns how many. */
  int revokeOfSubject(TokenKind kind, String subjectId, Instant at, String by) {
    return jdbc.sql(
            "update flowgate.token set revoked_at = ?, revoked_by = ?"
                + " where kind = ? and subject_id = ? and revoked_at is null")
        .params(Timestamp.from(at), by, kind.value(), subjectId)
        .update();
  }

  List<Row> ofTeam(String teamId) {
    return ofTeam(teamId, TokenKind.API);
  }

  List<Row> ofTeam(String teamId, TokenKind kind) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.token where team_id = ? and kind = ?"
                + " order by created_at, id")
        .params(teamId, kind.value())
        .query(TokenRepository::map)
        .list();
  }

  void revoke(String id, Instant at, String by) {
    jdbc.sql(
            "update flowgate.token set revoked_at = ?, revoked_by = ?"
                + " where id = ? and revoked_at is null")
        .params(Timestamp.from(at), by, id)
        .update();
  }

  /** Notes a use, at most once a minute per token so that busy clients do not write per call. */
  void touch(String id, Instant at) {
    jdbc.sql(
            "update flowgate.token set last_used_at = ? where id = ?"
                + " and (last_used_at is null or last_used_at < ?)")
        .params(Timestamp.from(at), id, Timestamp.from(at.minusSeconds(60)))
        .update();
  }

  private static Row map(ResultSet rs, int row) throws SQLException {
    String role = rs.getString("role");
    return new Row(
        rs.getString("id"),
        TokenKind.of(rs.getString("kind")),
        rs.getString("name"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        role == null ? null : TeamRole.of(role),
        rs.getString("subject_id"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "expires_at"),
        instant(rs, "revoked_at"),
        instant(rs, "last_used_at"));
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp timestamp = rs.getTimestamp(column);
    return timestamp == null ? null : timestamp.toInstant();
  }
}
