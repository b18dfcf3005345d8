package io.flowgate.engine.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Collects what is wrong with a request's parameters, so one 400 answer names every parameter to
 * fix instead of the first one only.
 */
final class InvalidParameters {

  private final List<Map<String, String>> problems = new ArrayList<>();

  void add(String name, String reason) {
    Map<String, String> problem = new LinkedHashMap<>();
    problem.put("name", name);
    problem.put("reason", reason);
    problems.add(problem);
  }

  /**
   * Throws a 400 {@code application/problem+json} answer if anything was wrong: {@code detail} for
   * people, {@code invalidParams} (as in RFC 9457's example) for programs.
   */
  void throwIfAny() {
    if (problems.isEmpty()) {
      return;
    }
    String detail =
        problems.stream()
            .map(p -> p.get("name") + ": " + p.get("reason"))
            .collect(Collectors.joining("; ", "Fix the query parameters: ", ""));
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
    problem.setTitle("Invalid query parameters");
    problem.setProperty("invalidParams", List.copyOf(problems));
    throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
  }
}
