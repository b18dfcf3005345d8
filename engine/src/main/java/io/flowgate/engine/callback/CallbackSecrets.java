package io.flowgate.engine.callback;

import io.flowgate.engine.secret.SecretBox;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Each team's callback signing key, made when first needed and stored encrypted. */
@Component
class CallbackSecrets {

  private final JdbcClient jdbc;
  private final SecretBox box;
  private final Clock clock;

  CallbackSecrets(JdbcClient jdbc, SecretBox box, Clock clock) {
    this.jdbc = jdbc;
    this.box = box;
    this.clock = clock;
  }

  @Transactional
  String of(String teamId) {
    jdbc.sql(
            "insert into flowgate.team_callback_secret (team_id, secret, created_at)"
                + " values (?, ?, ?) on conflict (team_id) do nothing")
        .params(teamId, box.encrypt(newSecret()), now())
        .update();
    return box.decrypt(
        jdbc.sql("select secret from flowgate.team_callback_secret where team_id = ?")
            .param(teamId)
            .query(String.class)
            .single());
  }

  @Transactional
  String rotate(String teamId) {
    String secret = newSecret();
    jdbc.sql(
            "insert into flowgate.team_callback_secret (team_id, secret, created_at)"
                + " values (?, ?, ?) on conflict (team_id) do update set secret = excluded.secret,"
                + " created_at = excluded.created_at")
        .params(teamId, box.encrypt(secret), now())
        .update();
    return secret;
  }

  private static String newSecret() {
    return "fgcs_" + SecretBox.randomHex(32);
  }

  private Timestamp now() {
    return Timestamp.from(Instant.now(clock).truncatedTo(ChronoUnit.MICROS));
  }
}
