package io.flowgate.engine.user;

import io.flowgate.engine.organization.OrganizationRole;
import io.flowgate.engine.security.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class UserController {

  /** A user name: what people type to sign in to Flowgate, Tasklist and Cockpit. */
  static final String USERNAME = "[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?";

  record CreateUser(
      @NotNull(message = "must be given")
          @Pattern(
              regexp = USERNAME,
              message =
                  "use 1 to 64 lowercase letters, digits, dots, hyphens or underscores, starting"
                      + " and ending with a letter or digit")
          String username,
      @NotNull(message = "must be given")
          @Size(min = 10, max = 128, message = "10 to 128 characters")
          String password,
      @NotBlank(message = "must not be blank")
          @Size(max = 254, message = "at most 254 characters")
          @Email(message = "must be an e-mail address")
          @Pattern(regexp = "[^\\p{Cntrl}\\s<>]*", message = "must be an e-mail address")
          String email,
      @NotBlank(message = "must name the organization's id")
          @Size(max = 64, message = "at most 64 characters")
          String organization,
      OrganizationRole role,
      @Size(max = 100, message = "at most 100 characters") String firstName,
      @Size(max = 100, message = "at most 100 characters") String lastName) {
    @Override
    public String toString() {
      return "CreateUser[username=" + username + ", organization=" + organization + "]";
    }
  }

  private final UserService users;

  UserController(UserService users) {
    this.users = users;
  }

  @PostMapping(path = "/api/v1/users", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<UserAccount> create(Caller caller, @Valid @RequestBody CreateUser body) {
    UserAccount user =
        users.create(
            caller,
            new UserService.NewUser(
                body.username(),
                body.password(),
                body.email(),
                body.firstName(),
                body.lastName(),
                body.organization(),
                body.role()));
    return ResponseEntity.created(URI.create("/api/v1/users/" + user.username())).body(user);
  }

  @GetMapping("/api/v1/users/{username}")
  UserAccount get(Caller caller, @PathVariable String username) {
    return users.get(caller, username);
  }

  @GetMapping("/api/v1/organizations/{organizationId}/users")
  List<UserAccount> list(Caller caller, @PathVariable String organizationId) {
    return users.list(caller, organizationId);
  }
}
