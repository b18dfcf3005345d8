package io.flowgate.engine.instance;

import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ApiProblem;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How many instances a team may have, and which teams a caller sees instances of. Checked under a
 * lock on the team's row, so concurrent requests cannot overshoot the quota together.
 */
@Component
class InstanceQuota {

  private final JdbcClient jdbc;
  private final InstanceRepository instances;
  private final AccessPolicy policy;
  private final int platformDefault;

  InstanceQuota(
      JdbcClient jdbc,
      InstanceRepository instances,
      AccessPolicy policy,
      FlowgateProperties properties) {
    this.jdbc = jdbc;
    this.instances = instances;
    this.policy = policy;
    this.platformDefault = properties.instances().teamQuota();
  }

  /** The team's own quota, or null when the platform's default applies. */
  Integer own(String teamId) {
    List<Integer> own =
        jdbc.sql("select instance_quota from flowgate.team where id = ?")
            .param(teamId)
            .query((rs, row) -> (Integer) rs.getObject(1))
            .list();
    return own.isEmpty() ? null : own.get(0);
  }

  /** What a team without its own quota may have. */
  int platformDefault() {
    return platformDefault;
  }

  /** Locks the team until the transaction ends and refuses if one more instance is too many. */
  void reserve(Team team) {
    Integer own =
        jdbc.sql("select instance_quota from flowgate.team where id = ? for update")
            .param(team.id())
            .query((rs, row) -> (Integer) rs.getObject(1))
            .list()
            .get(0);
    int limit = own == null ? platformDefault : own;
    int used = instances.countOfTeam(team.id());
    if (used >= limit) {
      throw new ApiProblem(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "Quota exceeded",
          "Team '"
              + team.name()
              + "' has "
              + used
              + " of its "
              + limit
              + " instances; delete one, or ask an organization admin to raise the quota"
              + " (PUT /api/v1/teams/"
              + team.id()
              + "/quota)",
          List.of());
    }
  }

  void set(String teamId, Integer quota) {
    jdbc.sql("update flowgate.team set instance_quota = ? where id = ?")
        .params(quota, teamId)
        .update();
  }

  int used(String teamId) {
    return instances.countOfTeam(teamId);
  }

  /** The teams whose instances the caller may list. */
  List<String> visibleTeams(Caller caller) {
    return switch (caller) {
      case Caller.Person person when policy.isPlatformAdmin(person) ->
          jdbc.sql("select id from flowgate.team").query(String.class).list();
      case Caller.Person person ->
          jdbc.sql(
                  "select t.id from flowgate.team t where exists (select 1 from"
                      + " flowgate.team_member m where m.team_id = t.id and m.username = ?) or"
                      + " exists (select 1 from flowgate.organization_member o where"
                      + " o.organization_id = t.organization_id and o.username = ? and o.role ="
                      + " 'admin')")
              .params(person.username(), person.username())
              .query(String.class)
              .list();
      case Caller.Token token ->
          token.kind() == TokenKind.API && token.teamId() != null
              ? List.of(token.teamId())
              : List.of();
    };
  }
}
