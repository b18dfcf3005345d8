package io.flowgate.engine.instance;

import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Editor logins: people ask for one of their own; the instance's Node-RED (with its instance token)
 * checks them at login and on each request.
 */
@RestController
class EditorLoginController {

  /** A login typed into the editor; {@link #toString()} leaves the password out. */
  record LoginRequest(String username, String password) {
    @Override
    public String toString() {
      return "LoginRequest[username=" + username + "]";
    }
  }

  private final EditorLogins logins;

  EditorLoginController(EditorLogins logins) {
    this.logins = logins;
  }

  /** A new personal login (its password is shown this once): never cached. */
  @GetMapping("/api/v1/instances/{id}/editor-credentials")
  ResponseEntity<EditorLogins.EditorLogin> credentials(Caller caller, @PathVariable String id) {
    return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(logins.issue(caller, id));
  }

  @PostMapping(
      path = "/api/v1/instances/{id}/editor/logins",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  EditorLogins.EditorUser login(
      Caller caller, @PathVariable String id, @RequestBody LoginRequest body) {
    if (body == null || body.username() == null || body.username().isEmpty()) {
      throw ApiProblem.invalid("username", "must be given");
    }
    if (body.password() == null) {
      throw ApiProblem.invalid("password", "must be given");
    }
    EditorLogins.LoginCheck check = logins.login(caller, id, body.username(), body.password());
    if (check.user() == null) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "Editor login refused",
          "The editor login of '" + body.username() + "' was refused: " + check.refusal(),
          List.of());
    }
    return check.user();
  }

  @GetMapping("/api/v1/instances/{id}/editor/users/{username}")
  EditorLogins.EditorUser user(
      Caller caller, @PathVariable String id, @PathVariable String username) {
    return logins
        .user(caller, id, username)
        .orElseThrow(
            () ->
                ApiProblem.notFound(
                    "No editor login of '" + username + "' holds on this instance now"));
  }
}
