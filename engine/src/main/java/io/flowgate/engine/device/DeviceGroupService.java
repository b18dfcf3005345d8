package io.flowgate.engine.device;

import io.flowgate.engine.application.Application;
import io.flowgate.engine.application.ApplicationService;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.organization.OrganizationService;
import io.flowgate.engine.pipeline.StageProtection;
import io.flowgate.engine.platform.Ids;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.TextSanitizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Device groups of applications. A device belongs to at most one group, of its own application; the
 * group's env goes into each member's settings (and so changes the member's settings hash), where
 * the member's own env overrides it. Team viewers read groups, members change them.
 *
 * <p>For the rollout process: {@link #find(String)} and {@link #members(String)}.
 */
@Service
public class DeviceGroupService {

  private static final int SHOWN_IN_ERRORS = 5;

  private final DeviceGroupRepository groups;
  private final DeviceRepository devices;
  private final DeviceService deviceService;
  private final ApplicationService applications;
  private final TeamService teams;
  private final AuditLog audit;
  private final Clock clock;
  private final StageProtection protection;

  DeviceGroupService(
      DeviceGroupRepository groups,
      DeviceRepository devices,
      DeviceService deviceService,
      ApplicationService applications,
      TeamService teams,
      AuditLog audit,
      Clock clock,
      StageProtection protection) {
    this.protection = protection;
    this.groups = groups;
    this.devices = devices;
    this.deviceService = deviceService;
    this.applications = applications;
    this.teams = teams;
    this.audit = audit;
    this.clock = clock;
  }

  @Transactional
  public DeviceGroup create(Caller caller, String applicationId, DeviceGroupRequest request) {
    Application application = applications.get(caller, applicationId);
    Team team = teams.get(caller, application.teamId(), TeamAction.WRITE);
    String name = name(request.name());
    List<DeviceEnvVar> env = DeviceService.validateEnv(request.env());
    Set<String> members = members(request.deviceIds());
    if (groups.nameTaken(application.id(), name, null)) {
      throw nameTaken(name);
    }
    String id = Ids.newId();
    requireMembers(application.id(), id, members);
    Instant now = now();
    groups.insert(
        new DeviceGroupRepository.GroupRow(
            id,
            team.organizationId(),
            team.id(),
            application.id(),
            name,
            EffectiveSettings.envJson(env),
            now,
            caller.actor(),
            now,
            caller.actor()));
    groups.replaceMembers(id, members);
    deviceService.recomputeSettings(members);
    DeviceGroup group = view(groups.find(id).orElseThrow());
    audit.record(event(caller, "device-group.created", group, details(group)));
    return group;
  }

  @Transactional(readOnly = true)
  public List<DeviceGroup> list(Caller caller, String applicationId) {
    Application application = applications.get(caller, applicationId);
    return groups.ofApplication(application.id()).stream().map(this::view).toList();
  }

  @Transactional(readOnly = true)
  public DeviceGroup get(Caller caller, String id) {
    return view(visible(caller, id, TeamAction.READ));
  }

  /** Replaces name, members and env; members that leave and join get their settings again. */
  @Transactional
  public DeviceGroup update(Caller caller, String id, DeviceGroupRequest request) {
    visible(caller, id, TeamAction.WRITE);
    DeviceGroupRepository.GroupRow before =
        groups.lock(id).orElseThrow(() -> ApiProblem.notFound("Device group", id));
    String name = name(request.name());
    List<DeviceEnvVar> env = DeviceService.validateEnv(request.env());
    Set<String> members = members(request.deviceIds());
    if (groups.nameTaken(before.applicationId(), name, before.id())) {
      throw nameTaken(name);
    }
    requireMembers(before.applicationId(), before.id(), members);
    if (!EffectiveSettings.envJson(env).equals(before.envJson())) {
      checkUnprotected(caller, before, "change its env");
    }
    List<String> current = devices.membersOf(before.id());
    if (!members.containsAll(current)) {
      checkUnprotected(caller, before, "remove devices from it");
    }
    if (joinsWithItsOwn(before.id(), members, current)) {
      checkUnprotected(caller, before, "add a device with a snapshot or settings of its own");
    }
    groups.update(before.id(), name, EffectiveSettings.envJson(env), now(), caller.actor());
    List<String> left = groups.replaceMembers(before.id(), members);
    List<String> affected = new ArrayList<>(members);
    affected.addAll(left);
    deviceService.recomputeSettings(affected);
    DeviceGroup group = view(groups.find(id).orElseThrow());
    Map<String, Object> details = details(group);
    if (!name.equals(before.name())) {
      details.put("previousName", before.name());
    }
    details.put("left", left.size());
    audit.record(event(caller, "device-group.changed", group, details));
    return group;
  }

  /** Deletes the group; its devices stay, without a group. */
  @Transactional
  public void delete(Caller caller, String id) {
    visible(caller, id, TeamAction.WRITE);
    DeviceGroupRepository.GroupRow row =
        groups.lock(id).orElseThrow(() -> ApiProblem.notFound("Device group", id));
    checkUnprotected(caller, row, "delete it");
    DeviceGroup group = view(row);
    List<String> left = groups.replaceMembers(row.id(), List.of());
    groups.delete(row.id());
    deviceService.recomputeSettings(left);
    audit.record(event(caller, "device-group.deleted", group, details(group)));
  }

  /**
   * Whether a device joining the group brings what the members do not share: a target snapshot of
   * its own, its own env or a Node-RED version pin. In a protected group it would run that as part
   * of production, unapproved.
   */
  private boolean joinsWithItsOwn(String groupId, Set<String> members, List<String> current) {
    Set<String> joining = new HashSet<>(members);
    current.forEach(joining::remove);
    if (joining.isEmpty()) {
      return false;
    }
    Set<String> targets = devices.targetsOfGroup(groupId);
    for (String id : joining) {
      DeviceRow device = devices.find(id).orElse(null);
      if (device != null
          && ((device.targetSnapshotId() != null && !targets.contains(device.targetSnapshotId()))
              || !EffectiveSettings.parseEnv(device.envJson()).isEmpty()
              || device.nodeRedVersionPin() != null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A group in a protected stage changes only through an approved promotion: its env, its members
   * leaving, a rollout of another snapshot, its deletion. A new name or a new member is no change
   * of what the group runs.
   */
  private void checkUnprotected(
      Caller caller, DeviceGroupRepository.GroupRow group, String change) {
    protection.checkDeviceGroup(
        caller,
        StageProtection.Protected.deviceGroup(
            group.id(), group.name(), group.organizationId(), group.teamId()),
        group.id(),
        change);
  }

  /** Refuses a rollout started by hand to a group in a protected stage (see above). */
  public void checkRolloutAllowed(Caller caller, DeviceGroup group) {
    protection.checkDeviceGroup(
        caller,
        StageProtection.Protected.deviceGroup(
            group.id(), group.name(), group.organizationId(), group.teamId()),
        group.id(),
        "roll a snapshot out to it");
  }

  /** The group without access checks, for the engine's own work (rollouts). */
  @Transactional(readOnly = true)
  public DeviceGroup find(String id) {
    return view(groups.find(id).orElseThrow(() -> ApiProblem.notFound("Device group", id)));
  }

  /** The ids of the group's members, sorted, for the engine's own work (rollouts). */
  @Transactional(readOnly = true)
  public List<String> members(String groupId) {
    return devices.membersOf(groupId);
  }

  private DeviceGroupRepository.GroupRow visible(Caller caller, String id, TeamAction action) {
    DeviceGroupRepository.GroupRow row =
        groups.find(id).orElseThrow(() -> ApiProblem.notFound("Device group", id));
    try {
      teams.get(caller, row.teamId(), action);
    } catch (ApiProblem problem) {
      if (problem.status() == HttpStatus.NOT_FOUND) {
        throw ApiProblem.notFound("Device group", id);
      }
      throw problem;
    }
    return row;
  }

  private void requireMembers(String applicationId, String groupId, Set<String> members) {
    if (members.isEmpty()) {
      return;
    }
    List<String> foreign = groups.notOfApplication(applicationId, members, SHOWN_IN_ERRORS);
    if (!foreign.isEmpty()) {
      throw ApiProblem.invalid(
          "deviceIds",
          "devices of the group must be devices of its application; not: "
              + String.join(", ", foreign));
    }
    List<String[]> elsewhere = groups.inOtherGroups(groupId, members, SHOWN_IN_ERRORS);
    if (!elsewhere.isEmpty()) {
      throw ApiProblem.conflict(
          "A device belongs to one group at a time; remove these from their groups first: "
              + elsewhere.stream()
                  .map(pair -> pair[0] + " (in '" + pair[1] + "')")
                  .collect(Collectors.joining(", ")));
    }
  }

  private static Set<String> members(List<String> deviceIds) {
    Set<String> members = new LinkedHashSet<>();
    if (deviceIds != null) {
      for (int i = 0; i < deviceIds.size(); i++) {
        String id = deviceIds.get(i);
        if (!Ids.isWellFormed(id)) {
          throw ApiProblem.invalid("deviceIds[" + i + "]", "is not a device id");
        }
        members.add(id);
      }
    }
    return members;
  }

  private DeviceGroup view(DeviceGroupRepository.GroupRow row) {
    return new DeviceGroup(
        row.id(),
        row.organizationId(),
        row.teamId(),
        row.applicationId(),
        row.name(),
        EffectiveSettings.parseEnv(row.envJson()),
        devices.membersOf(row.id()),
        row.createdAt(),
        row.createdBy(),
        row.updatedAt(),
        row.updatedBy());
  }

  private static String name(String requested) {
    return OrganizationService.requireText("name", TextSanitizer.plain(requested));
  }

  private static ApiProblem nameTaken(String name) {
    return ApiProblem.conflict(
        "The application has a device group named '" + name + "'; choose another name");
  }

  private static Map<String, Object> details(DeviceGroup group) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", group.name());
    details.put("applicationId", group.applicationId());
    details.put("devices", group.deviceIds().size());
    details.put("env", group.env().stream().map(DeviceEnvVar::name).toList());
    return details;
  }

  private static AuditEvent event(
      Caller caller, String action, DeviceGroup group, Map<String, Object> details) {
    return new AuditEvent(
        caller.actor(),
        action,
        "device-group",
        group.id(),
        group.organizationId(),
        group.teamId(),
        details);
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
