package io.flowgate.engine.organization;

import io.flowgate.engine.security.AccessPolicy.OrganizationAction;
import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

  record CreateOrganization(
      @NotBlank(message = "must not be blank") @Size(max = 100, message = "at most 100 characters")
          String name) {}

  record SetOrganizationRole(@NotNull(message = "must be admin or member") OrganizationRole role) {}

  /** {@code PUT /organizations/{id}/settings}. */
  record OrganizationSettings(
      @NotNull(message = "is required: true or false") Boolean approverGrantsNeedTwoAdmins) {}

  private final OrganizationService organizations;

  OrganizationController(OrganizationService organizations) {
    this.organizations = organizations;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Organization> create(Caller caller, @Valid @RequestBody CreateOrganization body) {
    Organization organization = organizations.create(caller, body.name());
    return ResponseEntity.created(URI.create("/api/v1/organizations/" + organization.id()))
        .body(organization);
  }

  @GetMapping
  List<Organization> list(Caller caller) {
    return organizations.list(caller);
  }

  @GetMapping("/{id}")
  Organization get(Caller caller, @PathVariable String id) {
    return organizations.get(caller, id, OrganizationAction.READ);
  }

  @PutMapping(path = "/{id}/settings", consumes = MediaType.APPLICATION_JSON_VALUE)
  Organization settings(
      Caller caller, @PathVariable String id, @Valid @RequestBody OrganizationSettings body) {
    return organizations.setApproverGrantsNeedTwoAdmins(
        caller, id, body.approverGrantsNeedTwoAdmins());
  }

  @PutMapping(path = "/{id}/members/{username}", consumes = MediaType.APPLICATION_JSON_VALUE)
  OrganizationMember setRole(
      Caller caller,
      @PathVariable String id,
      @PathVariable String username,
      @Valid @RequestBody SetOrganizationRole body) {
    return organizations.setRole(caller, id, username, body.role());
  }
}
