package io.flowgate.engine.embedded;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL in {@code $FLOWGATE_DATA/postgres} when no external database is
 * configured, so embedded and production mode speak the same SQL dialect. It listens on loopback
 * only and lets nobody in without the password in {@code $FLOWGATE_DATA/postgres.password}
 * (generated on the first start, owner-only): a Node-RED instance on the same host must not reach
 * the platform's database.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${flowgate.db.url:}'.isBlank()")
class EmbeddedPostgresConfiguration {

  static final String PASSWORD_FILE = "postgres.password";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  /** The running server and the password it asks for. */
  record EmbeddedDatabase(EmbeddedPostgres postgres, String password) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      postgres.close();
    }

    @Override
    public String toString() {
      return "EmbeddedDatabase[port=" + postgres.getPort() + "]";
    }
  }

  @Bean(destroyMethod = "close")
  EmbeddedDatabase embeddedPostgres(DataFolder data) throws IOException, SQLException {
    Path cluster = data.resolve("postgres");
    Path binaries = data.resolve("postgres-binaries");
    Path passwordFile = data.root().resolve(PASSWORD_FILE);
    boolean exists = Files.exists(cluster.resolve("postgresql.conf"));
    boolean trusting = exists && PostgresPassword.trustsSomeone(cluster);
    if (exists && !trusting && !Files.exists(passwordFile)) {
      throw new IllegalStateException(
          "The embedded PostgreSQL in "
              + cluster
              + " needs its password, but "
              + passwordFile
              + " is missing: restore it from the backup of the data folder");
    }
    String password = SecretFile.readOrCreate(passwordFile, () -> SecretFile.randomHex(32));
    OrphanPostmaster.stopIfRunning(cluster, Duration.ofSeconds(30));
    long started = System.nanoTime();
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(cluster)
            // keep what an earlier start wrote: this is the installation's database
            .setCleanDataDirectory(false)
            // Spring stops it after everything that uses it, not a JVM hook racing with them
            .setRegisterShutdownHook(false)
            .setOverrideWorkingDirectory(binaries.toFile())
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100")
            .setServerConfig("password_encryption", "scram-sha-256")
            // its own readiness check logs in like every other client
            .setConnectConfig("password", password)
            // after initdb, before the server starts: only Flowgate's rules (a cluster that still
            // trusts keeps its rules until its password is set, below)
            .setDataDirectoryCustomizer(
                directory -> {
                  if (!trusting) {
                    writeRules(directory.toPath());
                  }
                })
            .setPGStartupWait(Duration.ofSeconds(60));
    if (!exists) {
      // initdb's options pass through here ("--key=value", after its own "-A trust", so these
      // win): the cluster is born with the password and without a trusting rule
      builder
          .setLocaleConfig("auth", "scram-sha-256")
          .setLocaleConfig("pwfile", passwordFile.toString());
    }
    EmbeddedPostgres postgres = builder.start();
    if (trusting) {
      // a cluster from before passwords: it trusts loopback until the rules are reloaded
      PostgresPassword.migrate(postgres.getPostgresDatabase(), cluster, password);
      log.warn(
          "Embedded PostgreSQL in {} trusted local connections; it now needs the password in {}",
          cluster,
          passwordFile);
    }
    log.info(
        "Embedded PostgreSQL on 127.0.0.1:{} with data in {} ({} ms)",
        postgres.getPort(),
        cluster,
        (System.nanoTime() - started) / 1_000_000);
    return new EmbeddedDatabase(postgres, password);
  }

  private static void writeRules(Path cluster) {
    try {
      PostgresPassword.writeRules(cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + cluster.resolve("pg_hba.conf"), e);
    }
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(EmbeddedDatabase database) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("flowgate");
    dataSource.setJdbcUrl(database.postgres().getJdbcUrl(PostgresPassword.USER, "postgres"));
    dataSource.setPassword(database.password());
    // job threads hold a connection while a step waits (for Docker, for an editor), so the pool
    // has room for all of them (20) besides the web requests; as for an external database
    dataSource.setMaximumPoolSize(40);
    return dataSource;
  }
}
