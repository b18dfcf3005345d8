package io.flowgate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.connectors.runtime.InstanceRuntime;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.storage.ObjectStoreSettings;
import io.flowgate.connectors.testing.S3ProxyServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * With FLOWGATE_DB_URL and FLOWGATE_S3_ENDPOINT set, Flowgate starts no embedded server and uses
 * the external ones: here a PostgreSQL and an S3 server that the test runs itself. Docker is made
 * unreachable too, so Node-RED instances fall back to local processes.
 */
class ExternalModeTest {

  static EmbeddedPostgres externalPostgres;
  static S3ProxyServer externalS3;

  @TempDir Path data;

  @BeforeAll
  static void startExternalServers() throws Exception {
    externalPostgres = EmbeddedPostgres.builder().start();
    externalS3 = S3ProxyServer.start();
  }

  @AfterAll
  static void stopExternalServers() throws Exception {
    externalS3.close();
    externalPostgres.close();
  }

  @Test
  void usesTheExternalServicesAndLocalNodeRedProcessesWithoutDocker() throws Exception {
    ObjectStoreSettings s3 = externalS3.settings("flowgate-external");
    try (ConfigurableApplicationContext app =
        // command-line arguments: they outrank application.yml, default properties do not
        new SpringApplicationBuilder(FlowgateApplication.class)
            .run(
                "--server.port=0",
                "--flowgate.data=" + data,
                "--FLOWGATE_ADMIN_PASSWORD=external-mode-password",
                "--FLOWGATE_DB_URL=" + externalPostgres.getJdbcUrl("postgres", "postgres"),
                "--FLOWGATE_DB_USER=postgres",
                "--FLOWGATE_S3_ENDPOINT=" + s3.endpoint(),
                "--FLOWGATE_S3_ACCESS_KEY=" + s3.accessKey(),
                "--FLOWGATE_S3_SECRET_KEY=" + s3.secretKey(),
                "--FLOWGATE_S3_BUCKET=" + s3.bucket(),
                "--DOCKER_HOST=unix://" + data.resolve("no-docker.sock"))) {
      assertThat(app.getBeanNamesForType(EmbeddedPostgres.class)).isEmpty();
      assertThat(app.getBeanNamesForType(Class.forName(embeddedS3Type()))).isEmpty();
      assertThat(Files.exists(data.resolve("postgres"))).isFalse();
      assertThat(Files.exists(data.resolve("objects"))).isFalse();

      InstanceRuntime runtime = app.getBean(InstanceRuntime.class);
      assertThat(runtime.kind()).isEqualTo("local-process");
      assertThat(runtime.ping().detail()).contains(data.resolve("runtime").toString());

      // Flowgate's and Camunda's tables are in the external database
      JdbcClient external = JdbcClient.create(externalPostgres.getPostgresDatabase());
      assertThat(
              external
                  .sql("select count(*) from flowgate.installation")
                  .query(Integer.class)
                  .single())
          .isOne();
      try (Connection connection = app.getBean(DataSource.class).getConnection()) {
        assertThat(connection.getMetaData().getURL())
            .contains(":" + externalPostgres.getPort() + "/");
      }

      // objects land in the external bucket
      app.getBean(ObjectStore.class)
          .put("external/probe.txt", "external".getBytes(StandardCharsets.UTF_8), "text/plain");
      try (ObjectStore direct = new ObjectStore(s3)) {
        assertThat(direct.stat("external/probe.txt")).isPresent();
      }
    }
  }

  private static String embeddedS3Type() {
    return "io.flowgate.engine.embedded.EmbeddedObjectStoreConfiguration$EmbeddedS3";
  }
}
