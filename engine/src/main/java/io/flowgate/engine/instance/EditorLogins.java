package io.flowgate.engine.instance;

import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.pipeline.StageProtection.ProtectingStage;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.security.CamundaIdentity;
import io.flowgate.engine.team.TeamRole;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Personal, short-lived logins into an instance's Node-RED editor. A person gets one of their own
 * (the password shown once, stored as a hash); the instance's Node-RED asks here at login ({@link
 * #login}) and on every request ({@link #user}) whether it still holds: not expired, the person
 * still in the team, and write access only while the instance is in no protected stage. Flowgate's
 * own Node-RED user ({@link #FLOWGATE_USER}) is never handed out; Node-RED checks it by itself.
 */
@Service
class EditorLogins {

  /** How long a handed-out login works. */
  static final Duration LIFETIME = Duration.ofHours(12);

  /**
   * The Node-RED user Flowgate deploys and captures with: a name no person can have (Flowgate user
   * names hold no colon), so no personal login ever stands for it.
   */
  static final String FLOWGATE_USER = "flowgate:system";

  /** A login handed to a person; {@link #toString()} leaves the password out. */
  record EditorLogin(
      String url,
      String username,
      String password,
      String permissions,
      boolean readOnly,
      String readOnlyBecause,
      Instant expiresAt) {
    @Override
    public String toString() {
      return "EditorLogin[username=" + username + ", permissions=" + permissions + "]";
    }
  }

  /** The user Node-RED is told about. */
  record EditorUser(String username, String permissions) {}

  /** What Node-RED learns about a login attempt: the user, or why there is none. */
  record LoginCheck(EditorUser user, String refusal) {}

  private final InstanceRepository instances;
  private final EditorLoginRepository logins;
  private final AccessPolicy policy;
  private final CamundaIdentity identity;
  private final StageProtection protection;
  private final AuditLog audit;
  private final Clock clock;
  private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(10);

  EditorLogins(
      InstanceRepository instances,
      EditorLoginRepository logins,
      AccessPolicy policy,
      CamundaIdentity identity,
      StageProtection protection,
      AuditLog audit,
      Clock clock) {
    this.instances = instances;
    this.logins = logins;
    this.policy = policy;
    this.identity = identity;
    this.protection = protection;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * A new login of the caller's own: write access for the team's members and owners on an instance
   * in no protected stage, read-only access otherwise (viewers, protected instances).
   */
  @Transactional
  public EditorLogin issue(Caller caller, String instanceId) {
    InstanceRow instance = instances.find(instanceId).orElseThrow(() -> notFound(instanceId));
    TeamRole role =
        policy
            .teamRole(caller, instance.organizationId(), instance.teamId())
            .orElseThrow(() -> notFound(instanceId));
    if (!(caller instanceof Caller.Person person)) {
      throw ApiProblem.forbidden(
          "Editor logins are for people, each with a login of their own; sign in as a person");
    }
    if (!FLOWGATE_USER.equals(instance.editorUser())) {
      throw ApiProblem.conflict(
          "This instance's Node-RED was made before personal editor logins; suspend and start it"
              + " (its container is made again) to use them");
    }
    Optional<ProtectingStage> stage = protection.ofInstance(instanceId);
    String readOnlyBecause = null;
    if (stage.isPresent()) {
      readOnlyBecause =
          "The instance is in the protected stage '"
              + stage.get().stageName()
              + "' of pipeline '"
              + stage.get().pipelineName()
              + "': it changes only through an approved promotion";
    } else if (!role.includes(TeamRole.MEMBER)) {
      readOnlyBecause = "Your role in the team is " + role.value() + "; writing needs member";
    }
    EditorAccess access = readOnlyBecause == null ? EditorAccess.WRITE : EditorAccess.READ;
    String password = SecretBox.randomHex(16);
    Instant now = now();
    Instant expiresAt = now.plus(LIFETIME);
    logins.replace(instanceId, person.username(), access, bcrypt.encode(password), now, expiresAt);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("access", access.value());
    details.put("expiresAt", expiresAt.toString());
    audit.record(
        InstanceService.event(person.actor(), "instance.editor-login-issued", instance, details));
    return new EditorLogin(
        instance.url(),
        access.nodeRedUsername(person.username()),
        password,
        access.permissions(),
        access == EditorAccess.READ,
        readOnlyBecause,
        expiresAt);
  }

  /**
   * Checks a login typed into the instance's editor; asked by the instance itself. Each outcome is
   * audited: {@code instance.editor-login} or {@code instance.editor-login-refused} with the
   * reason.
   */
  @Transactional
  public LoginCheck login(Caller caller, String instanceId, String username, String password) {
    InstanceRow instance = asInstanceItself(caller, instanceId);
    Optional<EditorAccess.Name> name = EditorAccess.parse(username);
    String refusal = refusal(instance, name, password);
    Map<String, Object> details = new LinkedHashMap<>();
    name.ifPresent(n -> details.put("access", n.access().value()));
    details.put("route", "Node-RED editor login");
    details.put("via", caller.actor());
    String actor = name.map(EditorAccess.Name::person).orElse(caller.actor());
    if (refusal != null) {
      details.put("reason", refusal);
      audit.record(
          InstanceService.event(actor, "instance.editor-login-refused", instance, details));
      return new LoginCheck(null, refusal);
    }
    audit.record(InstanceService.event(actor, "instance.editor-login", instance, details));
    return new LoginCheck(user(name.get()), null);
  }

  /**
   * The Node-RED user a session stands for, while its login holds; asked by the instance on each
   * request of the editor and the Admin API, so nothing is audited here.
   */
  @Transactional(readOnly = true)
  public Optional<EditorUser> user(Caller caller, String instanceId, String username) {
    InstanceRow instance = asInstanceItself(caller, instanceId);
    return EditorAccess.parse(username)
        .filter(
            name ->
                logins
                    .find(instanceId, name.person(), name.access())
                    .map(stored -> standing(instance, name, stored) == null)
                    .orElse(false))
        .map(EditorLogins::user);
  }

  /** Why a typed login does not hold, or null when it does. */
  private String refusal(InstanceRow instance, Optional<EditorAccess.Name> name, String password) {
    if (name.isEmpty() || password == null) {
      return "not a personal editor login";
    }
    Optional<EditorLoginRepository.StoredLogin> stored =
        logins.find(instance.id(), name.get().person(), name.get().access());
    if (stored.isEmpty()) {
      return "no such login was handed out";
    }
    if (!bcrypt.matches(password, stored.get().passwordHash())) {
      return "wrong password";
    }
    return standing(instance, name.get(), stored.get());
  }

  /** Why a login with the right password no longer holds, or null when it does. */
  private String standing(
      InstanceRow instance, EditorAccess.Name name, EditorLoginRepository.StoredLogin stored) {
    if (!stored.expiresAt().isAfter(now())) {
      return "expired";
    }
    if (!identity.userExists(name.person())) {
      return "the user no longer exists";
    }
    Caller.Person person =
        new Caller.Person(name.person(), identity.isPlatformAdmin(name.person()));
    Optional<TeamRole> role = policy.teamRole(person, instance.organizationId(), instance.teamId());
    if (role.isEmpty()) {
      return "not in the instance's team";
    }
    if (name.access() == EditorAccess.WRITE) {
      if (!role.get().includes(TeamRole.MEMBER)) {
        return "write access needs member; the role in the team is " + role.get().value();
      }
      if (protection.ofInstance(instance.id()).isPresent()) {
        return "the instance is in a protected stage: read-only logins only";
      }
    }
    return null;
  }

  /** The instance's own token, and only for its own instance, checks its editor's logins. */
  private InstanceRow asInstanceItself(Caller caller, String instanceId) {
    if (!(caller instanceof Caller.Token token) || token.kind() != TokenKind.INSTANCE) {
      throw ApiProblem.forbidden(
          "Only the instance's own Node-RED checks its editor logins, with its instance token");
    }
    if (!instanceId.equals(token.subjectId())) {
      throw notFound(instanceId);
    }
    return instances.find(instanceId).orElseThrow(() -> notFound(instanceId));
  }

  private static EditorUser user(EditorAccess.Name name) {
    return new EditorUser(name.nodeRedUsername(), name.access().permissions());
  }

  private static ApiProblem notFound(String instanceId) {
    return ApiProblem.notFound("Instance", instanceId);
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
