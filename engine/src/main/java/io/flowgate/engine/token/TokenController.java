package io.flowgate.engine.token;

import io.flowgate.engine.security.Caller;
import io.flowgate.engine.team.TeamRole;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/teams/{teamId}/tokens")
class TokenController {

  record CreateToken(
      @NotBlank(message = "must not be blank") @Size(max = 100, message = "at most 100 characters")
          String name,
      @NotNull(message = "must be owner, member or viewer") TeamRole role,
      @NotNull(message = "must be given as an ISO-8601 UTC time, e.g. 2030-01-31T12:00:00Z")
          Instant expiresAt) {}

  private final TokenService tokens;

  TokenController(TokenService tokens) {
    this.tokens = tokens;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<IssuedToken> create(
      Caller caller, @PathVariable String teamId, @Valid @RequestBody CreateToken body) {
    IssuedToken token = tokens.issue(caller, teamId, body.name(), body.role(), body.expiresAt());
    return ResponseEntity.created(
            URI.create("/api/v1/teams/" + token.teamId() + "/tokens/" + token.id()))
        .body(token);
  }

  @GetMapping
  List<ApiToken> list(Caller caller, @PathVariable String teamId) {
    return tokens.list(caller, teamId);
  }

  @GetMapping("/{id}")
  ApiToken get(Caller caller, @PathVariable String teamId, @PathVariable String id) {
    return tokens.get(caller, teamId, id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(Caller caller, @PathVariable String teamId, @PathVariable String id) {
    tokens.revoke(caller, teamId, id);
  }
}
