package io.flowgate.engine.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A failure the caller can fix, answered as {@code application/problem+json}: the status, a short
 * title and a detail that says what to do. Messages never carry secrets (passwords, tokens).
 */
public class ApiProblem extends RuntimeException {

  /** One field that failed validation and what is wrong with it. */
  public record FieldError(String field, String message) {}

  private final HttpStatus status;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, Object> properties;

  public ApiProblem(HttpStatus status, String title, String detail, List<FieldError> errors) {
    this(status, title, detail, errors, Map.of());
  }

  /** A problem with further members besides the standard ones (e.g. the numbers of a quota). */
  public ApiProblem(
      HttpStatus status,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, Object> properties) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  public static ApiProblem notFound(String what, String id) {
    return new ApiProblem(
        HttpStatus.NOT_FOUND,
        "Not found",
        what + " '" + printable(id) + "' does not exist or is not visible to you; check the id",
        List.of());
  }

  public static ApiProblem notFound(String detail) {
    return new ApiProblem(HttpStatus.NOT_FOUND, "Not found", detail, List.of());
  }

  public static ApiProblem forbidden(String detail) {
    return new ApiProblem(HttpStatus.FORBIDDEN, "Forbidden", detail, List.of());
  }

  public static ApiProblem conflict(String detail) {
    return new ApiProblem(HttpStatus.CONFLICT, "Conflict", detail, List.of());
  }

  public static ApiProblem invalid(String field, String message) {
    return new ApiProblem(
        HttpStatus.BAD_REQUEST,
        "Invalid input",
        "Fix this field: " + field + ": " + message,
        List.of(new FieldError(field, message)));
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** Members of the problem besides status, title, detail and errors. */
  public Map<String, Object> properties() {
    return properties;
  }

  /** The problem as the body of an answer ({@code instance} is the caller's to set). */
  public ProblemDetail toProblemDetail() {
    ProblemDetail body = ProblemDetail.forStatusAndDetail(status, getMessage());
    body.setTitle(title);
    if (!errors.isEmpty()) {
      body.setProperty("errors", errors);
    }
    properties.forEach(body::setProperty);
    return body;
  }

  /** An id as it may appear in a message: short and without control characters. */
  static String printable(String id) {
    if (id == null) {
      return "";
    }
    String clean = id.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }
}
