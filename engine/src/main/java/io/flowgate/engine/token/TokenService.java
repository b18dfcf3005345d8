package io.flowgate.engine.token;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamRole;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues, lists, revokes and checks bearer tokens. The secret exists in memory while it is made and
 * while a request presents it; it is never stored, logged, audited or put in a message.
 */
@Service
public class TokenService {

  /** The longest an API token may live. */
  static final Duration MAX_LIFETIME = Duration.ofDays(2 * 366);

  private final TokenRepository tokens;
  private final TeamService teams;
  private final AuditLog audit;
  private final Clock clock;

  TokenService(TokenRepository tokens, TeamService teams, AuditLog audit, Clock clock) {
    this.tokens = tokens;
    this.teams = teams;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public IssuedToken issue(
      Caller caller, String teamId, String requestedName, TeamRole role, Instant expiresAt) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    String name = OrganizationService.requireText("name", TextSanitizer.plain(requestedName));
    Instant now = now();
    if (!expiresAt.isAfter(now)) {
      throw ApiProblem.invalid("expiresAt", "must be in the future");
    }
    if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
      throw ApiProblem.invalid("expiresAt", "must be within two years from now");
    }
    String secret = TokenSecrets.newToken(TokenKind.API);
    TokenRepository.Row row =
        new TokenRepository.Row(
            Ids.newId(),
            TokenKind.API,
            name,
            team.organizationId(),
            team.id(),
            role,
            null,
            now,
            caller.actor(),
            expiresAt.truncatedTo(ChronoUnit.MICROS),
            null,
            null);
    tokens.insert(row, TokenSecrets.hash(secret));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("kind", TokenKind.API.value());
    details.put("role", role.value());
    details.put("expiresAt", row.expiresAt().toString());
    audit.record(
        new AuditEvent(
            caller.actor(),
            "token.created",
            "token",
            row.id(),
            team.organizationId(),
            team.id(),
            details));
    return new IssuedToken(
        row.id(),
        name,
        TokenKind.API.value(),
        team.id(),
        role,
        row.createdAt(),
        row.expiresAt(),
        secret);
  }

  /**
   * A new token for an instance's own use (its files), without expiry: it lives as long as the
   * instance and is revoked when the instance is deleted. The caller seals the secret; it is
   * neither audited nor listed with the team's API tokens.
   */
  @Transactional
  public IssuedToken issueInstanceToken(
      String organizationId, String teamId, String instanceId, String instanceName, String by) {
    return issueSubjectToken(
        TokenKind.INSTANCE, "instance " + instanceName, organizationId, teamId, instanceId, by);
  }

  /**
   * A new token for one device's use of the device API, without expiry: it lives until the device
   * is deleted. Only its hash is kept; the caller shows the secret once. Not audited apart: the
   * device's registration is.
   */
  @Transactional
  public IssuedToken issueDeviceToken(
      String organizationId, String teamId, String deviceId, String deviceName, String by) {
    return issueSubjectToken(
        TokenKind.DEVICE, "device " + deviceName, organizationId, teamId, deviceId, by);
  }

  /** A token that acts for one subject (an instance, a device) until it is revoked. */
  private IssuedToken issueSubjectToken(
      TokenKind kind,
      String name,
      String organizationId,
      String teamId,
      String subjectId,
      String by) {
    String secret = TokenSecrets.newToken(kind);
    TokenRepository.Row row =
        new TokenRepository.Row(
            Ids.newId(),
            kind,
            name,
            organizationId,
            teamId,
            null,
            subjectId,
            now(),
            by,
            null,
            null,
            null);
    tokens.insert(row, TokenSecrets.hash(secret));
    return new IssuedToken(
        row.id(), row.name(), kind.value(), teamId, null, row.createdAt(), null, secret);
  }

  /** Revokes the tokens of a device (it is being deleted); returns how many were active. */
  @Transactional
  public int revokeDeviceTokens(String deviceId, String by) {
    return tokens.revokeOfSubject(TokenKind.DEVICE, deviceId, now(), by);
  }

  /**
   * A provisioning token of a team: device agents that hold it register themselves as devices of
   * the team (and of {@code applicationId}, if given). Team owners make them; a person must.
   */
  @Transactional
  public IssuedProvisioningToken issueProvisioningToken(
      Caller caller, String teamId, String requestedName, String applicationId, Instant expiresAt) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    String name = OrganizationService.requireText("name", TextSanitizer.plain(requestedName));
    Instant now = now();
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      throw ApiProblem.invalid("expiresAt", "must be in the future");
    }
    String secret = TokenSecrets.newToken(TokenKind.PROVISIONING);
    TokenRepository.Row row =
        new TokenRepository.Row(
            Ids.newId(),
            TokenKind.PROVISIONING,
            name,
            team.organizationId(),
            team.id(),
            null,
            applicationId,
            now,
            caller.actor(),
            expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS),
            null,
            null);
    tokens.insert(row, TokenSecrets.hash(secret));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("kind", TokenKind.PROVISIONING.value());
    if (applicationId != null) {
      details.put("applicationId", applicationId);
    }
    if (row.expiresAt() != null) {
      details.put("expiresAt", row.expiresAt().toString());
    }
    audit.record(
        new AuditEvent(
            caller.actor(),
            "token.created",
            "token",
            row.id(),
            team.organizationId(),
            team.id(),
            details));
    return new IssuedProvisioningToken(provisioningView(row), secret);
  }

  @Transactional(readOnly = true)
  public List<ProvisioningToken> listProvisioningTokens(Caller caller, String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    return tokens.ofTeam(team.id(), TokenKind.PROVISIONING).stream()
        .map(TokenService::provisioningView)
        .toList();
  }

  /** Revokes a provisioning token of the team; revoking it again changes nothing. */
  @Transactional
  public void revokeProvisioningToken(Caller caller, String teamId, String tokenId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    tokens
        .find(team.id(), tokenId)
        .filter(row -> row.kind() == TokenKind.PROVISIONING)
        .orElseThrow(() -> ApiProblem.notFound("Provisioning token", tokenId));
    revoke(caller, teamId, tokenId);
  }

  private static ProvisioningToken provisioningView(TokenRepository.Row row) {
    return new ProvisioningToken(
        row.id(),
        row.name(),
        row.teamId(),
        row.subjectId(),
        row.createdAt(),
        row.createdBy(),
        row.expiresAt(),
        row.revokedAt(),
        row.lastUsedAt());
  }

  /** Whether the token exists and is neither revoked nor expired. */
  @Transactional(readOnly = true)
  public boolean isActive(String tokenId) {
    Instant now = Instant.now(clock);
    return tokens
        .find(tokenId)
        .filter(row -> row.revokedAt() == null)
        .filter(row -> row.expiresAt() == null || row.expiresAt().isAfter(now))
        .isPresent();
  }

  /** Revokes the tokens of an instance (it is being deleted); returns how many were active. */
  @Transactional
  public int revokeInstanceTokens(String instanceId, String by) {
    return tokens.revokeOfSubject(TokenKind.INSTANCE, instanceId, now(), by);
  }

  @Transactional(readOnly = true)
  public List<ApiToken> list(Caller caller, String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    return tokens.ofTeam(team.id()).stream().map(TokenRepository.Row::view).toList();
  }

  @Transactional(readOnly = true)
  public ApiToken get(Caller caller, String teamId, String tokenId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    return tokens
        .find(team.id(), tokenId)
        .orElseThrow(() -> ApiProblem.notFound("Token", tokenId))
        .view();
  }

  /** Revokes a token; revoking it again changes nothing. */
  @Transactional
  public void revoke(Caller caller, String teamId, String tokenId) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    TokenRepository.Row row =
        tokens.find(team.id(), tokenId).orElseThrow(() -> ApiProblem.notFound("Token", tokenId));
    if (row.revokedAt() != null) {
      return;
    }
    tokens.revoke(row.id(), now(), caller.actor());
    audit.record(
        new AuditEvent(
            caller.actor(),
            "token.revoked",
            "token",
            row.id(),
            team.organizationId(),
            team.id(),
            Map.of("name", row.name(), "kind", row.kind().value())));
  }

  /**
   * The caller a presented token stands for. Throws {@link BadCredentialsException} with a message
   * for the caller (never containing the token) when it is malformed, unknown, revoked or expired.
   */
  public Caller.Token authenticate(String presented) {
    Optional<TokenKind> kind = TokenSecrets.kindOf(presented);
    if (kind.isEmpty()) {
      throw new BadCredentialsException(
          "The bearer token is not a Flowgate token; send it exactly as it was shown");
    }
    TokenRepository.Row row =
        tokens
            .findByHash(TokenSecrets.hash(presented))
            .filter(found -> found.kind() == kind.get())
            .orElseThrow(
                () -> new BadCredentialsException("Unknown token; ask a team owner for a new one"));
    Instant now = Instant.now(clock);
    if (row.revokedAt() != null) {
      throw new BadCredentialsException(
          "This token was revoked at " + row.revokedAt() + "; ask a team owner for a new one");
    }
    if (row.expiresAt() != null && !row.expiresAt().isAfter(now)) {
      throw new BadCredentialsException(
          "This token expired at " + row.expiresAt() + "; ask a team owner for a new one");
    }
    tokens.touch(row.id(), now.truncatedTo(ChronoUnit.MICROS));
    return new Caller.Token(
        row.id(),
        row.kind(),
        row.organizationId(),
        row.teamId(),
        row.role(),
        row.subjectId(),
        row.createdBy());
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
