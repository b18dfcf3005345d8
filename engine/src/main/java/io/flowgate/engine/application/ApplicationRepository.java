package io.flowgate.engine.application;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class ApplicationRepository {

  private static final String COLUMNS = "id, team_id, name, description, created_at, created_by";

  private final JdbcClient jdbc;

  ApplicationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Application> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.application where id = ?")
        .param(id)
        .query(ApplicationRepository::map)
        .optional();
  }

  List<Application> ofTeam(String teamId) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.application where team_id = ? order by lower(name), id")
        .param(teamId)
        .query(ApplicationRepository::map)
        .list();
  }

  boolean nameTaken(String teamId, String name) {
    return jdbc.sql(
                "select count(*) from flowgate.application where team_id = ? and lower(name) = lower(?)")
            .params(teamId, name)
            .query(Integer.class)
            .single()
        > 0;
  }

  void insert(Application application) {
    jdbc.sql(
            "insert into flowgate.application (id, team_id, name, description, created_at,"
                + " created_by) values (?, ?, ?, ?, ?, ?)")
        .params(
            application.id(),
            application.teamId(),
            application.name(),
            application.description(),
            Timestamp.from(application.createdAt()),
            application.createdBy())
        .update();
  }

  boolean hasInstances(String id) {
    return jdbc.sql("select count(*) from flowgate.instance where application_id = ?")
            .param(id)
            .query(Integer.class)
            .single()
        > 0;
  }

  boolean hasPipelines(String id) {
    return jdbc.sql("select count(*) from flowgate.pipeline where application_id = ?")
            .param(id)
            .query(Integer.class)
            .single()
        > 0;
  }

  boolean hasDevices(String id) {
    return jdbc.sql(
                "select (select count(*) from flowgate.device where application_id = :id)"
                    + " + (select count(*) from flowgate.device_group where application_id = :id)")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  void delete(String id) {
    jdbc.sql("delete from flowgate.application where id = ?").param(id).update();
  }

  private static Application map(ResultSet rs, int row) throws SQLException {
    return new Application(
        rs.getString("id"),
        rs.getString("team_id"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getString("created_by"));
  }
}
