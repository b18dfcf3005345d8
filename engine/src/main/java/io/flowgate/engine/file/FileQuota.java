package io.flowgate.engine.file;

import io.flowgate.engine.FlowgateProperties;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How many bytes of instance files a team may keep: its own quota, or the platform default
 * (FLOWGATE_TEAM_FILE_QUOTA). Uploads check it under a lock on the team's row.
 */
@Component
public class FileQuota {

  private final JdbcClient jdbc;
  private final FileRepository files;
  private final long platformDefault;

  FileQuota(JdbcClient jdbc, FileRepository files, FlowgateProperties properties) {
    this.jdbc = jdbc;
    this.files = files;
    this.platformDefault = properties.files().teamQuota().toBytes();
  }

  /** What a team without its own file quota may keep, in bytes. */
  public long platformDefault() {
    return platformDefault;
  }

  /** The team's own file quota in bytes, or null when the platform default applies. */
  public Long own(String teamId) {
    List<Long> own =
        jdbc.sql("select file_quota from flowgate.team where id = ?")
            .param(teamId)
            .query((rs, row) -> (Long) rs.getObject(1))
            .list();
    return own.isEmpty() ? null : own.get(0);
  }

  /** Bytes the team's files take now. */
  public long used(String teamId) {
    return files.teamUsage(teamId);
  }

  /** Sets the team's own file quota; null returns it to the platform default. */
  public void set(String teamId, Long bytes) {
    jdbc.sql("update flowgate.team set file_quota = ? where id = ?").params(bytes, teamId).update();
  }

  /**
   * Locks the team's row until the transaction ends, so quota accounting of one team happens one
   * upload at a time, and returns its limit in bytes.
   */
  long lockAndLimit(String teamId) {
    Long own =
        jdbc.sql("select file_quota from flowgate.team where id = ? for update")
            .param(teamId)
            .query((rs, row) -> (Long) rs.getObject(1))
            .list()
            .get(0);
    return own == null ? platformDefault : own;
  }
}
