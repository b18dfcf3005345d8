package io.flowgate.engine.security;

import io.flowgate.engine.team.TeamRole;
import io.flowgate.engine.token.TokenKind;
import java.util.Objects;
import org.camunda.bpm.engine.authorization.Groups;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;

/**
 * Who is calling: a signed-in person or a bearer token. Controllers take it as a parameter and hand
 * it to the services, which ask {@link AccessPolicy} and write it to the audit log.
 */
public sealed interface Caller permits Caller.Person, Caller.Token {

  /** How the audit log names the caller. */
  String actor();

  /** A Camunda user; {@code platformAdmin} for members of Camunda's admin group. */
  record Person(String username, boolean platformAdmin) implements Caller {
    public Person {
      Objects.requireNonNull(username, "username");
    }

    @Override
    public String actor() {
      return username;
    }
  }

  /**
   * A bearer token: an API token acts for one team with one role; an instance token ({@code
   * subjectId} = the instance) reaches only that instance's files.
   *
   * @param createdBy who made the token: for API tokens the person (a team owner) whom requests
   *     made with it count as (see promotions)
   */
  record Token(
      String tokenId,
      TokenKind kind,
      String organizationId,
      String teamId,
      TeamRole role,
      String subjectId,
      String createdBy)
      implements Caller {
    @Override
    public String actor() {
      return "token:" + tokenId;
    }
  }

  /** The caller behind an authentication, or null for anonymous requests. */
  static Caller of(Authentication authentication) {
    if (authentication == null
        || !authentication.isAuthenticated()
        || authentication instanceof AnonymousAuthenticationToken) {
      return null;
    }
    if (authentication instanceof TokenAuthentication token) {
      return token.getPrincipal();
    }
    boolean admin =
        authentication.getAuthorities().stream()
            .anyMatch(a -> ("GROUP_" + Groups.CAMUNDA_ADMIN).equals(a.getAuthority()));
    return new Person(authentication.getName(), admin);
  }
}
