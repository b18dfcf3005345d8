package io.flowgate.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.embedded.EmbeddedObjectStoreConfiguration.EmbeddedS3;
import io.flowgate.engine.embedded.EmbeddedPostgresConfiguration.EmbeddedDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded servers let in only who has their generated secrets, which sit owner-only in the
 * data folder; a data folder from before (a PostgreSQL that trusted loopback) is moved over.
 */
class EmbeddedSecretsTest {

  @TempDir Path data;

  @Test
  void newDatabaseNeedsItsGeneratedPasswordFromTheStart() throws Exception {
    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedDatabase database = new EmbeddedPostgresConfiguration().embeddedPostgres(folder)) {
      Path passwordFile = data.resolve(EmbeddedPostgresConfiguration.PASSWORD_FILE);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(passwordFile).strip()).isEqualTo(database.password()).hasSize(64);
      assertOnlyThePasswordLetsIn(database);
      assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).doesNotContain("trust");
    }
  }

  @Test
  void databaseFromBeforePasswordsIsMigratedOnItsNextStart() throws Exception {
    // a cluster made as Flowgate made it before: initdb -A trust, no password
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder()
                .setDataDirectory(data.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(data.resolve("postgres-binaries").toFile())
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        Connection connection =
            DriverManager.getConnection(jdbcUrl(old.getPort()), "postgres", null)) {
      connection
          .createStatement()
          .execute("create table kept (id int); insert into kept values (7)");
    }
    assertThat(Files.readString(data.resolve("postgres/pg_hba.conf"))).contains("trust");

    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedDatabase database = new EmbeddedPostgresConfiguration().embeddedPostgres(folder)) {
      assertOnlyThePasswordLetsIn(database);
      try (Connection connection = connect(database, database.password())) {
        var rows = connection.createStatement().executeQuery("select id from kept");
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(7);
      }
    }
    // and the next start after that finds it migrated
    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedDatabase database = new EmbeddedPostgresConfiguration().embeddedPostgres(folder)) {
      assertOnlyThePasswordLetsIn(database);
    }
  }

  @Test
  void migratedDatabaseWithoutItsPasswordFileRefusesToStartWithAClearMessage() throws Exception {
    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedDatabase database = new EmbeddedPostgresConfiguration().embeddedPostgres(folder)) {
      assertThat(database.password()).isNotBlank();
    }
    Files.delete(data.resolve(EmbeddedPostgresConfiguration.PASSWORD_FILE));
    try (DataFolder folder = DataFolder.lock(data)) {
      assertThatThrownBy(() -> new EmbeddedPostgresConfiguration().embeddedPostgres(folder))
          .hasMessageContaining("postgres.password is missing");
    }
  }

  @Test
  void embeddedS3KeysAreGeneratedOnceKeptOwnerOnlyAndRequired() throws Exception {
    FlowgateProperties properties = properties();
    String accessKey;
    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedS3 s3 = new EmbeddedObjectStoreConfiguration().embeddedS3(folder, properties)) {
      accessKey = s3.settings().accessKey();
      Path credentials = data.resolve(EmbeddedObjectStoreConfiguration.CREDENTIALS_FILE);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
          .isEqualTo("rw-------");
      Properties keys = new Properties();
      keys.load(Files.newBufferedReader(credentials));
      assertThat(keys.getProperty("accessKey")).isEqualTo(accessKey);
      assertThat(keys.getProperty("secretKey")).isEqualTo(s3.settings().secretKey()).hasSize(64);
      assertThat(s3.settings().endpoint().getHost()).isEqualTo("127.0.0.1");
      // no keys, no objects: an anonymous listing is refused
      HttpResponse<String> anonymous =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(s3.settings().endpoint() + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(anonymous.statusCode()).isEqualTo(403);
    }
    // a file restored with a wider mode is made owner-only again
    Path credentials = data.resolve(EmbeddedObjectStoreConfiguration.CREDENTIALS_FILE);
    Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--r--"));
    try (DataFolder folder = DataFolder.lock(data);
        EmbeddedS3 s3 = new EmbeddedObjectStoreConfiguration().embeddedS3(folder, properties)) {
      assertThat(s3.settings().accessKey()).isEqualTo(accessKey);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
          .isEqualTo("rw-------");
    }
  }

  private static void assertOnlyThePasswordLetsIn(EmbeddedDatabase database) throws SQLException {
    int port = database.postgres().getPort();
    // no password: the server asks for one (SCRAM) instead of trusting the connection
    assertThatThrownBy(() -> DriverManager.getConnection(jdbcUrl(port), "postgres", null))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("SCRAM");
    assertThatThrownBy(() -> connect(database, "wrong-password"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    try (Connection connection = connect(database, database.password())) {
      var rules =
          connection
              .createStatement()
              .executeQuery("select type, address, auth_method from pg_hba_file_rules");
      List<String> methods = new ArrayList<>();
      while (rules.next()) {
        methods.add(rules.getString("auth_method"));
        assertThat(rules.getString("address")).isIn(null, "127.0.0.1", "::1");
      }
      assertThat(methods).isNotEmpty().containsOnly("scram-sha-256");
      var listen = connection.createStatement().executeQuery("show listen_addresses");
      listen.next();
      assertThat(listen.getString(1)).isEqualTo("127.0.0.1");
    }
  }

  private static Connection connect(EmbeddedDatabase database, String password)
      throws SQLException {
    return DriverManager.getConnection(
        jdbcUrl(database.postgres().getPort()), "postgres", password);
  }

  private static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  private FlowgateProperties properties() {
    return new FlowgateProperties(
        data,
        new FlowgateProperties.Database(null, null, null),
        new FlowgateProperties.ObjectStorage(null, null, null, "flowgate", "us-east-1"),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}
