package io.flowgate.engine.platform;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Records the installation on the first start and reads it back on later ones. */
@Service
public class InstallationService {

  private static final Logger log = LoggerFactory.getLogger(InstallationService.class);

  private final Installation installation;

  InstallationService(JdbcClient jdbc, ObjectProvider<BuildProperties> build) {
    String version = build.stream().map(BuildProperties::getVersion).findFirst().orElse("dev");
    int created =
        jdbc.sql(
                "insert into flowgate.installation (id, created_at, version) values (?, ?, ?)"
                    + " on conflict do nothing")
            .params(
                UUID.randomUUID(),
                Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)),
                version)
            .update();
    this.installation =
        jdbc.sql("select id, created_at, version from flowgate.installation")
            .query(
                (rs, row) ->
                    new Installation(
                        rs.getObject("id", UUID.class),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getString("version")))
            .single();
    if (created == 1) {
      log.info("New Flowgate installation {}", installation.id());
    } else {
      log.info(
          "Flowgate installation {} (created {}) found again",
          installation.id(),
          installation.createdAt());
    }
  }

  public Installation installation() {
    return installation;
  }
}
