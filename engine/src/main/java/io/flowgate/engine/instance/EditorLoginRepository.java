package io.flowgate.engine.instance;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The personal editor logins handed out: one per instance, person and access. */
@Repository
class EditorLoginRepository {

  /** A login as stored; {@link #toString()} leaves the hash out. */
  record StoredLogin(String passwordHash, Instant expiresAt) {
    @Override
    public String toString() {
      return "StoredLogin[expiresAt=" + expiresAt + "]";
    }
  }

  private final JdbcClient jdbc;

  EditorLoginRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores a new login, replacing the person's earlier one of the same access. */
  void replace(
      String instanceId,
      String username,
      EditorAccess access,
      String passwordHash,
      Instant issuedAt,
      Instant expiresAt) {
    jdbc.sql(
            "insert into flowgate.editor_login"
                + " (instance_id, username, access, password_hash, issued_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)"
                + " on conflict (instance_id, username, access) do update set"
                + " password_hash = excluded.password_hash, issued_at = excluded.issued_at,"
                + " expires_at = excluded.expires_at")
        .params(
            instanceId,
            username,
            access.value(),
            passwordHash,
            Timestamp.from(issuedAt),
            Timestamp.from(expiresAt))
        .update();
  }

  Optional<StoredLogin> find(String instanceId, String username, EditorAccess access) {
    return jdbc.sql(
            "select password_hash, expires_at from flowgate.editor_login"
                + " where instance_id = ? and username = ? and access = ?")
        .params(instanceId, username, access.value())
        .query(
            (rs, row) ->
                new StoredLogin(
                    rs.getString("password_hash"), rs.getTimestamp("expires_at").toInstant()))
        .optional();
  }
}
