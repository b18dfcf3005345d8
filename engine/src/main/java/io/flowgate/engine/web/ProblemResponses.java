package io.flowgate.engine.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Writes {@code application/problem+json} outside Spring MVC: from servlet filters and Spring
 * Security's entry point and access-denied handler, so 401, 403 and 413 look like every other
 * error.
 */
@Component
public class ProblemResponses {

  private final ObjectMapper json;

  ProblemResponses(ObjectMapper json) {
    this.json = json;
  }

  public void write(
      HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail)
      throws IOException {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(status.getReasonPhrase());
    write(request, response, problem);
  }

  /** Writes an {@link ApiProblem} as the answer, as {@code ProblemHandler} would. */
  public void write(HttpServletRequest request, HttpServletResponse response, ApiProblem problem)
      throws IOException {
    write(request, response, problem.toProblemDetail());
  }

  /**
   * Writes the problem with its Content-Length, so a client reads the whole answer even when the
   * connection closes right after it (a request whose body is refused unread).
   */
  private void write(
      HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    try {
      problem.setInstance(URI.create(request.getRequestURI()));
    } catch (IllegalArgumentException e) {
      // a URL that is no URI (refused by the firewall for it): the problem goes without
    }
    byte[] body = json.writeValueAsBytes(problem);
    response.resetBuffer();
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
    response.flushBuffer();
  }
}
