package io.flowgate.engine.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * How the embedded PostgreSQL lets clients in: only with the superuser's password (SCRAM-SHA-256),
 * only on loopback; nobody is trusted. A cluster made before Flowgate set a password (its {@code
 * pg_hba.conf} trusted every local connection) is moved over on its next start.
 */
final class PostgresPassword {

  static final String USER = "postgres";

  /** The only rules: every connection, socket or loopback TCP, shows the password. */
  static final List<String> HBA_RULES =
      List.of(
          "# Written by Flowgate: every connection needs the password in postgres.password",
          "# (owner-only, in the data folder). Flowgate rewrites this file on every start.",
          "local all all scram-sha-256",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256");

  private PostgresPassword() {}

  /** Whether a cluster lets anyone in without a password (made before passwords, or edited). */
  static boolean trustsSomeone(Path cluster) throws IOException {
    Path hba = cluster.resolve("pg_hba.conf");
    if (!Files.exists(hba)) {
      return false;
    }
    return Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(line -> !line.startsWith("#") && !line.isEmpty())
        .anyMatch(line -> line.matches("(?i).*\\strust(\\s.*)?$"));
  }

  /**
   * Sets the superuser's password, writes {@link #HBA_RULES} and makes the running server read
   * them. Called while the old rules still let the connection in without a password.
   */
  static void migrate(DataSource trusted, Path cluster, String password)
      throws SQLException, IOException {
    try (Connection connection = trusted.getConnection()) {
      // the SCRAM verifier is computed here: the password itself never reaches the server, so no
      // server log or statement view can show it
      connection
          .unwrap(PGConnection.class)
          .alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
      writeRules(cluster);
      try (Statement statement = connection.createStatement()) {
        statement.execute("select pg_reload_conf()");
      }
    }
  }

  /** Puts back Flowgate's rules, whatever the file says now (an edit, a restored backup). */
  static void writeRules(Path cluster) throws IOException {
    Path hba = cluster.resolve("pg_hba.conf");
    Path temporary = cluster.resolve("pg_hba.conf.new");
    Files.write(temporary, HBA_RULES, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(temporary, SecretFile.OWNER_ONLY);
    Files.move(temporary, hba, StandardCopyOption.ATOMIC_MOVE);
  }
}
