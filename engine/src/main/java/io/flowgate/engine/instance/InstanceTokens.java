package io.flowgate.engine.instance;

import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.token.IssuedToken;
import io.flowgate.engine.token.TokenService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The instance's own bearer token ({@code fgi_}), with which its flows use its files. The token row
 * holds its hash; the instance row holds the token sealed with {@link SecretBox}, so each container
 * the instance gets receives the same token as {@code FLOWGATE_FILES_TOKEN}. An instance without
 * one (made before instance files existed) or whose token was revoked gets a new one when its
 * container is next created.
 */
@Component
class InstanceTokens {

  private static final Logger log = LoggerFactory.getLogger(InstanceTokens.class);

  private final InstanceRepository instances;
  private final TokenService tokens;
  private final SecretBox secrets;
  private final TransactionTemplate transactions;

  InstanceTokens(
      InstanceRepository instances,
      TokenService tokens,
      SecretBox secrets,
      TransactionTemplate transactions) {
    this.instances = instances;
    this.tokens = tokens;
    this.secrets = secrets;
    this.transactions = transactions;
  }

  /** Issues the token of a new instance (in the caller's transaction). */
  void issue(InstanceRow instance, String by) {
    IssuedToken token =
        tokens.issueInstanceToken(
            instance.organizationId(), instance.teamId(), instance.id(), instance.name(), by);
    instances.setFilesToken(instance.id(), token.id(), secrets.encrypt(token.token()));
  }

  /**
   * The instance's token, issued now if it has none that works. Joins the caller's transaction (a
   * step's job, which may hold the instance's row already); only issuing locks the row.
   */
  String ensure(String instanceId) {
    InstanceRepository.FilesToken stored = instances.filesToken(instanceId).orElse(null);
    if (stored != null && tokens.isActive(stored.tokenId())) {
      return secrets.decrypt(stored.sealedToken());
    }
    return transactions.execute(
        status -> {
          InstanceRow instance =
              instances
                  .lock(instanceId)
                  .orElseThrow(
                      () -> new InstanceStepFailed("Instance " + instanceId + " no longer exists"));
          InstanceRepository.FilesToken now = instances.filesToken(instanceId).orElse(null);
          if (now != null && tokens.isActive(now.tokenId())) {
            return secrets.decrypt(now.sealedToken()); // another node issued it meanwhile
          }
          IssuedToken token =
              tokens.issueInstanceToken(
                  instance.organizationId(),
                  instance.teamId(),
                  instance.id(),
                  instance.name(),
                  "system");
          instances.setFilesToken(instanceId, token.id(), secrets.encrypt(token.token()));
          log.info(
              "Instance {} had no working files token; issued token {}", instanceId, token.id());
          return token.token();
        });
  }

  /** Revokes the instance's tokens: it is being deleted. */
  void revoke(String instanceId, String by) {
    tokens.revokeInstanceTokens(instanceId, by);
  }
}
