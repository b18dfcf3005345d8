package io.flowgate.engine.instance;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Env vars of instances; secret values are stored sealed. */
@Repository
class InstanceEnvRepository {

  /** A variable as stored: {@code value} is ciphertext when {@code secret}. */
  record StoredEnvVar(String name, String value, boolean secret) {
    @Override
    public String toString() {
      return "StoredEnvVar[" + name + (secret ? ", secret" : "") + "]";
    }
  }

  private final JdbcClient jdbc;

  InstanceEnvRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  List<StoredEnvVar> of(String instanceId) {
    return jdbc.sql(
            "select name, value, secret from flowgate.instance_env where instance_id = ?"
                + " order by position")
        .param(instanceId)
        .query(
            (rs, row) ->
                new StoredEnvVar(
                    rs.getString("name"), rs.getString("value"), rs.getBoolean("secret")))
        .list();
  }

  void replace(String instanceId, List<StoredEnvVar> vars) {
    jdbc.sql("delete from flowgate.instance_env where instance_id = ?").param(instanceId).update();
    int position = 0;
    for (StoredEnvVar var : vars) {
      jdbc.sql(
              "insert into flowgate.instance_env (instance_id, position, name, value, secret)"
                  + " values (?, ?, ?, ?, ?)")
          .params(instanceId, position++, var.name(), var.value(), var.secret())
          .update();
    }
  }
}
