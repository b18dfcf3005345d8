package io.flowgate.engine.application;

import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ApplicationController {

  record CreateApplication(
      @NotBlank(message = "must not be blank") @Size(max = 100, message = "at most 100 characters")
          String name,
      @Size(max = 2000, message = "at most 2000 characters") String description) {}

  private final ApplicationService applications;

  ApplicationController(ApplicationService applications) {
    this.applications = applications;
  }

  @PostMapping(
      path = "/api/v1/teams/{teamId}/applications",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Application> create(
      Caller caller, @PathVariable String teamId, @Valid @RequestBody CreateApplication body) {
    Application application = applications.create(caller, teamId, body.name(), body.description());
    return ResponseEntity.created(URI.create("/api/v1/applications/" + application.id()))
        .body(application);
  }

  @GetMapping("/api/v1/teams/{teamId}/applications")
  List<Application> list(Caller caller, @PathVariable String teamId) {
    return applications.list(caller, teamId);
  }

  @GetMapping("/api/v1/applications/{id}")
  Application get(Caller caller, @PathVariable String id) {
    return applications.get(caller, id);
  }

  @DeleteMapping("/api/v1/applications/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(Caller caller, @PathVariable String id) {
    applications.delete(caller, id);
  }
}
