package io.flowgate.engine.security;

import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.web.ApiProblem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.WebAuthenticationDetailsSource;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Browser sign-in: {@code POST} checks user name and password like HTTP Basic and keeps the caller
 * signed in by the session cookie; {@code GET} says who that is; {@code DELETE} signs out. Requests
 * signed in by the cookie that change state must send the {@code XSRF-TOKEN} cookie's value in the
 * {@code X-XSRF-TOKEN} header.
 */
@RestController
@RequestMapping(SessionController.PATH)
class SessionController {

  static final String PATH = "/api/v1/session";
  static final String WRONG_CREDENTIALS = "Wrong user name or password";

  record SignIn(String username, String password) {
    @Override
    public String toString() {
      return "SignIn[username=" + username + "]"; // never the password
    }
  }

  record SignedIn(String username, boolean platformAdmin) {}

  private final AuthenticationManager authenticationManager;
  private final CsrfTokenRepository csrfTokens;
  private final AuditLog audit;
  private final WebAuthenticationDetailsSource details = new WebAuthenticationDetailsSource();
  private final HttpSessionSecurityContextRepository sessions =
      new HttpSessionSecurityContextRepository();
  private final SecurityContextHolderStrategy contexts =
      SecurityContextHolder.getContextHolderStrategy();

  SessionController(
      AuthenticationManager authenticationManager, CsrfTokenRepository csrfTokens, AuditLog audit) {
    this.authenticationManager = authenticationManager;
    this.csrfTokens = csrfTokens;
    this.audit = audit;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  SignedIn signIn(
      @RequestBody SignIn body, HttpServletRequest request, HttpServletResponse response) {
    Authentication result;
    try {
      UsernamePasswordAuthenticationToken attempt =
          UsernamePasswordAuthenticationToken.unauthenticated(body.username(), body.password());
      // the client's address, for the sign-in throttle, as HTTP Basic records it
      attempt.setDetails(details.buildDetails(request));
      result = authenticationManager.authenticate(attempt);
    } catch (SignInThrottled e) {
      response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
      throw new ApiProblem(
          HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins", e.getMessage(), List.of());
    } catch (AuthenticationException e) {
      // the same answer for an unknown user and a wrong password
      throw new ApiProblem(HttpStatus.UNAUTHORIZED, "Unauthorized", WRONG_CREDENTIALS, List.of());
    }
    if (!(Caller.of(result) instanceof Caller.Person person)) {
      throw new ApiProblem(HttpStatus.UNAUTHORIZED, "Unauthorized", WRONG_CREDENTIALS, List.of());
    }
    // session fixation: a session that existed before the sign-in gets a new id
    if (request.getSession(false) != null) {
      request.changeSessionId();
    } else {
      request.getSession(true);
    }
    SecurityContext context = contexts.createEmptyContext();
    context.setAuthentication(result);
    contexts.setContext(context);
    sessions.saveContext(context, request, response);
    // a fresh CSRF token for the new session
    csrfTokens.saveToken(csrfTokens.generateToken(request), request, response);
    audit.record(
        new AuditEvent(
            person.username(), "session.created", "user", person.username(), null, null, Map.of()));
    return new SignedIn(person.username(), person.platformAdmin());
  }

  @GetMapping
  SignedIn current(Caller caller, HttpServletRequest request) {
    if (!(caller instanceof Caller.Person person)) {
      throw new ApiProblem(
          HttpStatus.UNAUTHORIZED,
          "Unauthorized",
          "Nobody is signed in; API tokens have no session",
          List.of());
    }
    // hands out the CSRF cookie if the browser has lost it
    if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
      token.getToken();
    }
    return new SignedIn(person.username(), person.platformAdmin());
  }

  @DeleteMapping
  ResponseEntity<Void> signOut(HttpServletRequest request, HttpServletResponse response) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      Object saved =
          session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
      session.invalidate();
      if (saved instanceof SecurityContext context
          && Caller.of(context.getAuthentication()) instanceof Caller.Person person) {
        audit.record(
            new AuditEvent(
                person.username(),
                "session.ended",
                "user",
                person.username(),
                null,
                null,
                Map.of()));
      }
    }
    contexts.clearContext();
    csrfTokens.saveToken(null, request, response);
    return ResponseEntity.noContent().build();
  }
}
