package io.flowgate.engine.device;

import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.application.Application;
import io.flowgate.engine.application.ApplicationService;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.snapshot.Snapshot;
import io.flowgate.engine.snapshot.SnapshotService;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamRepository;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.token.IssuedProvisioningToken;
import io.flowgate.engine.token.IssuedToken;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.token.TokenService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Devices of teams: registered by people (or by their agents with a provisioning token), listed,
 * changed, given settings and a target snapshot, deleted. Team viewers read devices, members change
 * them, owners manage provisioning tokens; who may not see the team gets 404. Every change is
 * audited; credentials are shown once and never audited or logged.
 *
 * <p>For the rollout process: {@link #setTarget(Collection, String)} and {@link
 * #status(Collection)} work on many devices at once, in one statement each.
 */
@Service
public class DeviceService {

  static final int MAX_NAME = 100;
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private final DeviceRepository devices;
  private final LiveDevices live;
  private final TeamService teams;
  private final TeamRepository teamRows;
  private final ApplicationService applications;
  private final SnapshotService snapshots;
  private final TokenService tokens;
  private final SecretBox secrets;
  private final AuditLog audit;
  private final Clock clock;
  private final FlowgateProperties properties;
  private final Environment spring;

  private final StageProtection protection;

  DeviceService(
      DeviceRepository devices,
      LiveDevices live,
      TeamService teams,
      TeamRepository teamRows,
      ApplicationService applications,
      SnapshotService snapshots,
      TokenService tokens,
      SecretBox secrets,
      AuditLog audit,
      Clock clock,
      FlowgateProperties properties,
      Environment spring,
      StageProtection protection) {
    this.protection = protection;
    this.devices = devices;
    this.live = live;
    this.teams = teams;
    this.teamRows = teamRows;
    this.applications = applications;
    this.snapshots = snapshots;
    this.tokens = tokens;
    this.secrets = secrets;
    this.audit = audit;
    this.clock = clock;
    this.properties = properties;
    this.spring = spring;
    URI apiUrl = properties.devices().apiUrl();
    if (apiUrl != null
        && (!apiUrl.isAbsolute()
            || apiUrl.getHost() == null
            || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme())))) {
      throw new IllegalStateException(
          "FLOWGATE_DEVICE_API_URL must be an absolute http:// or https:// URL such as"
              + " https://flowgate.plant.example, not '"
              + apiUrl
              + "'");
    }
  }

  /** Registers a device of the team (and of the application, if given); shows its credentials. */
  @Transactional
  public RegisteredDevice register(
      Caller caller, String teamId, String name, String type, String applicationId) {
    Team team = teams.get(caller, teamId, TeamAction.WRITE);
    Application application =
        applicationId == null ? null : application(caller, team, applicationId);
    RegisteredDevice registered = create(team, name, type, application, caller.actor());
    audit.record(
        event(caller.actor(), "device.registered", registered.device(), Map.of("via", "api")));
    return registered;
  }

  /**
   * Registers a device for an agent that presents a provisioning token of the team: {@code POST
   * /api/v1/devices}. The device joins the token's application, if it names one.
   */
  @Transactional
  public RegisteredDevice provision(Caller caller, String name, String type, String teamId) {
    if (!(caller instanceof Caller.Token token) || token.kind() != TokenKind.PROVISIONING) {
      throw ApiProblem.forbidden(
          "Devices register themselves with a provisioning token of their team (Authorization:"
              + " Bearer fgp_...); people and API tokens use POST /api/v1/teams/<team>/devices");
    }
    if (teamId == null || !teamId.equals(token.teamId())) {
      throw ApiProblem.invalid("team", "must be the team of the provisioning token");
    }
    Team team = teamRows.find(teamId).orElseThrow(() -> ApiProblem.notFound("Team", teamId));
    // the token's application, unless it was deleted meanwhile
    Application application =
        token.subjectId() == null
            ? null
            : applications
                .find(token.subjectId())
                .filter(found -> found.teamId().equals(team.id()))
                .orElse(null);
    RegisteredDevice registered = create(team, name, type, application, caller.actor());
    audit.record(
        event(
            caller.actor(),
            "device.registered",
            registered.device(),
            Map.of("via", "provisioning-token", "tokenId", token.tokenId())));
    return registered;
  }

  private RegisteredDevice create(
      Team team,
      String requestedName,
      String requestedType,
      Application application,
      String actor) {
    String applicationId = application == null ? null : application.id();
    String name = name(requestedName);
    String type = type(requestedType);
    String id = Ids.newId();
    IssuedToken token = tokens.issueDeviceToken(team.organizationId(), team.id(), id, name, actor);
    String credentialSecret = SecretBox.randomHex(32);
    Instant now = now();
    String applicationName = application == null ? null : application.name();
    String hash =
        EffectiveSettings.hash(
            new DeviceRepository.SettingsFacts(
                id, name, type, applicationId, applicationName, null, "[]", null, null));
    DeviceRow row =
        new DeviceRow(
            id,
            team.organizationId(),
            team.id(),
            applicationId,
            null,
            name,
            type,
            token.id(),
            secrets.encrypt(credentialSecret),
            "[]",
            null,
            null,
            hash,
            now,
            actor,
            Report.NONE);
    devices.insert(row, now);
    String forgeUrl = forgeUrl();
    String yml =
        "deviceId: "
            + yaml(id)
            + "\ntoken: "
            + yaml(token.token())
            + "\ncredentialSecret: "
            + yaml(credentialSecret)
            + "\nforgeURL: "
            + yaml(forgeUrl)
            + "\n";
    return new RegisteredDevice(
        row.view(), new RegisteredDevice.Credentials(token.token(), credentialSecret), yml);
  }

  @Transactional(readOnly = true)
  public Device get(Caller caller, String id) {
    DeviceRow row = visible(caller, id, TeamAction.READ);
    return row.view(live.latest(row.id(), row.report()));
  }

  /**
   * A team's devices by name, {@code limit} at a time (at most {@value #MAX_PAGE}); {@code after}
   * is the {@code next} of the previous page.
   */
  @Transactional(readOnly = true)
  public DevicePage list(
      Caller caller, String teamId, String applicationId, String after, Integer limit) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    int size = limit == null ? DEFAULT_PAGE : limit;
    if (size < 1 || size > MAX_PAGE) {
      throw ApiProblem.invalid("limit", "must be a whole number from 1 to " + MAX_PAGE);
    }
    String afterName = null;
    String afterId = null;
    if (after != null && !after.isBlank()) {
      String[] cursor = decodeCursor(after);
      afterName = cursor[0];
      afterId = cursor[1];
    }
    List<DeviceRow> rows = devices.page(team.id(), applicationId, afterName, afterId, size + 1);
    boolean more = rows.size() > size;
    List<DeviceRow> page = more ? rows.subList(0, size) : rows;
    List<Device> items = new ArrayList<>(page.size());
    for (DeviceRow row : page) {
      items.add(row.view(live.latest(row.id(), row.report())));
    }
    String next = null;
    if (more) {
      DeviceRow last = page.get(page.size() - 1);
      next = encodeCursor(last.name().toLowerCase(Locale.ROOT), last.id());
    }
    return new DevicePage(items, next);
  }

  /**
   * Changes name, type and application. A device that moves to another application (or out of one)
   * leaves its group and its target snapshot.
   */
  @Transactional
  public Device update(
      Caller caller, String id, String requestedName, String requestedType, String applicationId) {
    visible(caller, id, TeamAction.WRITE);
    DeviceRow before = devices.lock(id).orElseThrow(() -> ApiProblem.notFound("Device", id));
    Team team = teams.get(caller, before.teamId(), TeamAction.WRITE);
    String name = name(requestedName);
    String type = type(requestedType);
    String application =
        applicationId == null ? null : application(caller, team, applicationId).id();
    boolean moved = !Objects.equals(application, before.applicationId());
    if (moved) {
      checkUnprotected(caller, before, "move it to another application (out of its group)");
    }
    devices.update(id, name, type, application, moved ? null : before.groupId());
    if (moved && before.targetSnapshotId() != null) {
      devices.setTarget(List.of(id), null);
    }
    recomputeSettings(List.of(id));
    live.refreshAfterCommit(List.of(id));
    DeviceRow after = devices.find(id).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", name);
    details.put("type", type);
    details.put("applicationId", Objects.toString(application, ""));
    if (!name.equals(before.name())) {
      details.put("previousName", before.name());
    }
    if (moved) {
      details.put("previousApplicationId", Objects.toString(before.applicationId(), ""));
    }
    audit.record(event(caller.actor(), "device.updated", after.view(), details));
    return after.view(live.latest(id, after.report()));
  }

  /** Deletes the device and revokes its token: its agent gets 404 and stops. */
  @Transactional
  public void delete(Caller caller, String id) {
    visible(caller, id, TeamAction.WRITE);
    DeviceRow row = devices.lock(id).orElseThrow(() -> ApiProblem.notFound("Device", id));
    devices.delete(row.id());
    tokens.revokeDeviceTokens(row.id(), caller.actor());
    live.refreshAfterCommit(List.of(row.id()));
    audit.record(event(caller.actor(), "device.deleted", row.view(), Map.of()));
  }

  @Transactional(readOnly = true)
  public DeviceSettings settings(Caller caller, String id) {
    DeviceRow row = visible(caller, id, TeamAction.READ);
    return new DeviceSettings(EffectiveSettings.parseEnv(row.envJson()), row.nodeRedVersionPin());
  }

  /**
   * Replaces the device's own settings (env vars that override its group's, Node-RED version pin);
   * the device gets them on its next heartbeat.
   */
  @Transactional
  public DeviceSettings updateSettings(Caller caller, String id, DeviceSettings requested) {
    visible(caller, id, TeamAction.WRITE);
    DeviceRow row = devices.lock(id).orElseThrow(() -> ApiProblem.notFound("Device", id));
    checkUnprotected(caller, row, "change its settings");
    List<DeviceEnvVar> env = validateEnv(requested.env());
    devices.updateSettings(row.id(), EffectiveSettings.envJson(env), requested.nodeRedVersion());
    recomputeSettings(List.of(row.id()));
    live.refreshAfterCommit(List.of(row.id()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("env", env.stream().map(DeviceEnvVar::name).toList());
    details.put("nodeRedVersion", Objects.toString(requested.nodeRedVersion(), ""));
    audit.record(event(caller.actor(), "device.settings.changed", row.view(), details));
    return new DeviceSettings(env, requested.nodeRedVersion());
  }

  /**
   * Sets the snapshot one device is to run (null: none), for a person or an API token; rollouts of
   * groups use {@link #setTarget(Collection, String)}. The snapshot must be of the device's
   * application.
   */
  @Transactional
  public Device setTarget(Caller caller, String id, String snapshotId) {
    DeviceRow row = visible(caller, id, TeamAction.WRITE);
    checkUnprotected(caller, row, "set the snapshot it runs");
    if (snapshotId != null) {
      Snapshot snapshot =
          snapshots
              .find(snapshotId)
              .filter(s -> s.teamId().equals(row.teamId()))
              .orElseThrow(() -> ApiProblem.notFound("Snapshot", snapshotId));
      if (!snapshot.applicationId().equals(row.applicationId())) {
        throw ApiProblem.conflict(
            "The snapshot is of another application than the device; a device runs snapshots"
                + " of its own application");
      }
    }
    devices.setTarget(List.of(row.id()), snapshotId);
    live.refreshAfterCommit(List.of(row.id()));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("snapshotId", Objects.toString(snapshotId, ""));
    details.put("previousSnapshotId", Objects.toString(row.targetSnapshotId(), ""));
    audit.record(event(caller.actor(), "device.target.changed", row.view(), details));
    DeviceRow after = devices.find(row.id()).orElseThrow();
    return after.view(live.latest(row.id(), after.report()));
  }

  /**
   * Sets the target snapshot of many devices at once, in one statement, for the engine's own work
   * (rollouts, rollbacks); null clears it. The devices and the snapshot must all be of one
   * application. The devices' agents get the snapshot on their next heartbeat. Not audited here:
   * the rollout audits its waves.
   *
   * @return how many devices got a new target (those that had it already are not counted)
   * @throws ApiProblem 404 for an unknown snapshot or device, 409 for another application
   */
  @Transactional
  public int setTarget(Collection<String> deviceIds, String snapshotId) {
    if (deviceIds.isEmpty()) {
      return 0;
    }
    Set<String> ids = new HashSet<>(deviceIds);
    if (devices.countExisting(ids) != ids.size()) {
      throw ApiProblem.notFound("One or more of the devices do not exist");
    }
    if (snapshotId != null) {
      Snapshot snapshot =
          snapshots.find(snapshotId).orElseThrow(() -> ApiProblem.notFound("Snapshot", snapshotId));
      List<String> applications = devices.applicationsOf(ids);
      if (applications.size() != 1 || !snapshot.applicationId().equals(applications.get(0))) {
        throw ApiProblem.conflict("The devices and the snapshot must all be of one application");
      }
    }
    int changed = devices.setTarget(ids, snapshotId);
    live.refreshAfterCommit(ids);
    return changed;
  }

  /**
   * What many devices are to run and report running, in one read (by device id; unknown ids are
   * left out). Reports this node holds in memory that are newer than the database's win.
   */
  @Transactional(readOnly = true)
  public List<DeviceStatus> status(Collection<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return List.of();
    }
    List<DeviceStatus> stored = devices.status(new HashSet<>(deviceIds));
    List<DeviceStatus> result = new ArrayList<>(stored.size());
    for (DeviceStatus s : stored) {
      Report asStored =
          new Report(
              s.state(),
              s.snapshotId(),
              s.reportedSettingsHash(),
              null,
              null,
              null,
              null,
              s.restartCount(),
              null,
              s.lastSeenAt(),
              s.stableHeartbeats(),
              s.stateSince());
      Report latest = live.latest(s.deviceId(), asStored);
      result.add(
          latest == asStored
              ? s
              : new DeviceStatus(
                  s.deviceId(),
                  s.targetSnapshotId(),
                  latest.snapshotId(),
                  latest.state(),
                  latest.restartCount(),
                  latest.lastSeenAt(),
                  latest.stableHeartbeats(),
                  latest.stateSince(),
                  s.settingsHash(),
                  latest.settings()));
    }
    return result;
  }

  /** Makes a provisioning token of the team (owners); the application must be the team's. */
  @Transactional
  public IssuedProvisioningToken createProvisioningToken(
      Caller caller, String teamId, String name, String applicationId, Instant expiresAt) {
    Team team = teams.get(caller, teamId, TeamAction.MANAGE_TOKENS);
    String application =
        applicationId == null ? null : application(caller, team, applicationId).id();
    return tokens.issueProvisioningToken(caller, team.id(), name, application, expiresAt);
  }

  /**
   * Computes the effective settings of these devices again and stores the hashes that changed;
   * heartbeats answer with the new hash once the transaction commits.
   */
  void recomputeSettings(Collection<String> deviceIds) {
    List<String> ids = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    for (DeviceRepository.SettingsFacts facts : devices.settingsFacts(deviceIds)) {
      String hash = EffectiveSettings.hash(facts);
      if (!hash.equals(facts.settingsHash())) {
        ids.add(facts.id());
        hashes.add(hash);
      }
    }
    devices.updateSettingsHashes(ids, hashes);
    live.refreshAfterCommit(ids);
  }

  /** A device of a group in a protected stage changes only through an approved promotion. */
  private void checkUnprotected(Caller caller, DeviceRow row, String change) {
    protection.checkDeviceGroup(
        caller,
        StageProtection.Protected.device(row.id(), row.name(), row.organizationId(), row.teamId()),
        row.groupId(),
        change);
  }

  /** The device if the caller may do this with it; 404 for who may not see its team. */
  DeviceRow visible(Caller caller, String id, TeamAction action) {
    DeviceRow row = devices.find(id).orElseThrow(() -> ApiProblem.notFound("Device", id));
    try {
      teams.get(caller, row.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Device", id);
      }
      throw problem;
    }
    return row;
  }

  /** The application if it is one of the team's that the caller sees; 400 otherwise. */
  private Application application(Caller caller, Team team, String applicationId) {
    Application application;
    try {
      application = applications.get(caller, applicationId);
    } catch (ApiProblem problem) {
      throw ApiProblem.invalid("application", "is not an application of this team");
    }
    if (!application.teamId().equals(team.id())) {
      throw ApiProblem.invalid("application", "is not an application of this team");
    }
    return application;
  }

  static List<DeviceEnvVar> validateEnv(List<DeviceEnvVar> env) {
    if (env == null) {
      return List.of();
    }
    Map<String, Boolean> seen = new HashMap<>();
    for (int i = 0; i < env.size(); i++) {
      DeviceEnvVar var = env.get(i);
      if (var.name().toUpperCase(Locale.ROOT).startsWith(EffectiveSettings.PLATFORM_PREFIX)) {
        throw ApiProblem.invalid(
            "env[" + i + "].name",
            "names starting with FF_ are the platform's (FF_DEVICE_ID, FF_SNAPSHOT_ID, ...)");
      }
      if (seen.put(var.name(), true) != null) {
        throw ApiProblem.invalid("env[" + i + "].name", "'" + var.name() + "' is given twice");
      }
      if (var.value().indexOf('\0') >= 0) {
        throw ApiProblem.invalid("env[" + i + "].value", "must not contain NUL characters");
      }
    }
    return List.copyOf(env);
  }

  private static String name(String requested) {
    String name = OrganizationService.requireText("name", TextSanitizer.plain(requested));
    if (name.length() > MAX_NAME) {
      throw ApiProblem.invalid("name", "at most " + MAX_NAME + " characters");
    }
    return name;
  }

  private static String type(String requested) {
    String type = requested == null ? "" : TextSanitizer.plain(requested);
    if (type.length() > MAX_NAME) {
      throw ApiProblem.invalid("type", "at most " + MAX_NAME + " characters");
    }
    return type;
  }

  /** Flowgate's address as devices reach it, without a trailing slash. */
  String forgeUrl() {
    URI configured = properties.devices().apiUrl();
    String base;
    if (configured != null) {
      base = configured.toString();
    } else {
      String port =
          spring.getProperty("local.server.port", spring.getProperty("server.port", "8080"));
      base =
          "http://"
              + properties.instances().host()
              + ":"
              + port
              + spring.getProperty("server.servlet.context-path", "");
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** A YAML double-quoted scalar. */
  private static String yaml(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String encodeCursor(String name, String id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((name + "\n" + id).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decodeCursor(String cursor) {
    try {
      String text =
          new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
      int split = text.lastIndexOf('\n');
      if (split < 0 || !Ids.isWellFormed(text.substring(split + 1))) {
        throw new IllegalArgumentException();
      }
      return new String[] {text.substring(0, split), text.substring(split + 1)};
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("after", "must be the 'next' of the previous page");
    }
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  static AuditEvent event(String actor, String action, Device device, Map<String, Object> extra) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", device.name());
    details.putAll(extra);
    return new AuditEvent(
        actor, action, "device", device.id(), device.organizationId(), device.teamId(), details);
  }
}
