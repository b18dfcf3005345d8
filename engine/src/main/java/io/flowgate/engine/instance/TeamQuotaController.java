package io.flowgate.engine.instance;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.file.FileQuota;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.Team;
import io.flowgate.engine.team.TeamService;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.HashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A team's quotas, of instances and of bytes of instance files: members read them, the
 * organization's admins set them.
 */
@RestController
class TeamQuotaController {

  /**
   * {@code instances}: how many instances; {@code fileBytes}: bytes of instance files. Each is the
   * team's own quota, or null for the platform default; a field left out stays as it is.
   */
  static final class QuotaRequest {
    @Min(value = 0, message = "must be 0 or more")
    @Max(value = 10000, message = "at most 10000")
    private Integer instances;

    @Min(value = 0, message = "must be 0 or more")
    private Long fileBytes;

    private boolean instancesGiven;
    private boolean fileBytesGiven;

    @JsonProperty("instances")
    void setInstances(Integer instances) {
      this.instances = instances;
      this.instancesGiven = true;
    }

    @JsonProperty("fileBytes")
    void setFileBytes(Long fileBytes) {
      this.fileBytes = fileBytes;
      this.fileBytesGiven = true;
    }

    @Schema(description = "Instances the team may have; null: the platform default")
    public Integer getInstances() {
      return instances;
    }

    @Schema(description = "Bytes of instance files the team may keep; null: the platform default")
    public Long getFileBytes() {
      return fileBytes;
    }
  }

  record Quota(
      int instances,
      int instancesUsed,
      boolean platformDefault,
      long fileBytes,
      long fileBytesUsed,
      boolean fileBytesPlatformDefault) {}

  private final TeamService teams;
  private final AccessPolicy policy;
  private final InstanceQuota quota;
  private final FileQuota fileQuota;
  private final AuditLog audit;

  TeamQuotaController(
      TeamService teams,
      AccessPolicy policy,
      InstanceQuota quota,
      FileQuota fileQuota,
      AuditLog audit) {
    this.teams = teams;
    this.policy = policy;
    this.quota = quota;
    this.fileQuota = fileQuota;
    this.audit = audit;
  }

  @GetMapping("/api/v1/teams/{teamId}/quota")
  @Transactional(readOnly = true)
  public Quota get(Caller caller, @PathVariable String teamId) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    return current(team);
  }

  @PutMapping(path = "/api/v1/teams/{teamId}/quota", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Transactional
  public Quota set(
      Caller caller, @PathVariable String teamId, @Valid @RequestBody QuotaRequest body) {
    Team team = teams.get(caller, teamId, TeamAction.READ);
    policy.require(caller, OrganizationAction.MANAGE_TEAMS, team.organizationId());
    Map<String, Object> details = new HashMap<>();
    if (body.instancesGiven) {
      quota.set(team.id(), body.instances);
      details.put("instances", body.instances == null ? "platform default" : body.instances);
    }
    if (body.fileBytesGiven) {
      fileQuota.set(team.id(), body.fileBytes);
      details.put("fileBytes", body.fileBytes == null ? "platform default" : body.fileBytes);
    }
    audit.record(
        new AuditEvent(
            caller.actor(),
            "team.quota-changed",
            "team",
            team.id(),
            team.organizationId(),
            team.id(),
            details));
    return current(team);
  }

  private Quota current(Team team) {
    Integer own = quota.own(team.id());
    Long ownBytes = fileQuota.own(team.id());
    return new Quota(
        own == null ? quota.platformDefault() : own,
        quota.used(team.id()),
        own == null,
        ownBytes == null ? fileQuota.platformDefault() : ownBytes,
        fileQuota.used(team.id()),
        ownBytes == null);
  }
}
