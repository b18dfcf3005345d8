package io.flowgate.engine.embedded;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a real PostgreSQL in {@code $FLOWGATE_DATA/postgres} when no external database is
 * configured, so embedded and production mode speak the same SQL dialect.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${flowgate.db.url:}'.isBlank()")
class EmbeddedPostgresConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(DataFolder data) throws IOException {
    Path cluster = data.resolve("postgres");
    Path binaries = data.resolve("postgres-binaries");
    OrphanPostmaster.stopIfRunning(cluster, Duration.ofSeconds(30));
    long started = System.nanoTime();
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(cluster)
            // keep what an earlier start wrote: this is the installation's database
            .setCleanDataDirectory(false)
            // Spring stops it after everything that uses it, not a JVM hook racing with them
            .setRegisterShutdownHook(false)
            .setOverrideWorkingDirectory(binaries.toFile())
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
    log.info(
        "Embedded PostgreSQL on 127.0.0.1:{} with data in {} ({} ms)",
        postgres.getPort(),
        cluster,
        (System.nanoTime() - started) / 1_000_000);
    return postgres;
  }

  @Bean(destroyMethod = "close")
  DataSource dataSource(EmbeddedPostgres postgres) {
    HikariDataSource dataSource = new HikariDataSource();
    dataSource.setPoolName("flowgate");
    dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
    // job threads hold a connection while a step waits (for Docker, for an editor), so the pool
    // has room for all of them (20) besides the web requests; as for an external database
    dataSource.setMaximumPoolSize(40);
    return dataSource;
  }
}
