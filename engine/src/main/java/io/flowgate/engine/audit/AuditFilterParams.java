package io.flowgate.engine.audit;

import io.swagger.v3.oas.annotations.Parameter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The filter parameters that list and export share, bound from the query string as text so that a
 * wrong value gets an answer that says how to write it (Spring's own conversion errors do not).
 * Blank values count as not given.
 */
public record AuditFilterParams(
    @Parameter(description = "Team id") String team,
    @Parameter(description = "Organization id") String organization,
    @Parameter(description = "Entity type, e.g. team") String entityType,
    @Parameter(description = "Entity id") String entityId,
    @Parameter(description = "User name, token:<id> or system") String actor,
    @Parameter(description = "Exact action (team.created) or a prefix ending in * (team.*)")
        String action,
    @Parameter(description = "Inclusive start, ISO-8601 (2025-01-31T12:00:00Z or 2025-01-31)")
        String from,
    @Parameter(description = "Exclusive end, ISO-8601 (2025-02-01T00:00:00Z or 2025-02-01)")
        String to) {

  AuditFilter toFilter(InvalidParameters invalid) {
    String actionValue = given(action);
    boolean prefix = false;
    if (actionValue != null) {
      int star = actionValue.indexOf('*');
      if (star >= 0 && star != actionValue.length() - 1) {
        invalid.add(
            "action",
            "'*' is allowed only at the end: give an exact action (team.created) or a prefix"
                + " (team.*)");
      } else if (star >= 0) {
        prefix = true;
        actionValue = actionValue.substring(0, star);
      }
    }
    Instant fromValue = instant("from", from, invalid);
    Instant toValue = instant("to", to, invalid);
    if (fromValue != null && toValue != null && !fromValue.isBefore(toValue)) {
      invalid.add("to", "must be later than from (" + fromValue + ")");
    }
    return new AuditFilter(
        given(team),
        given(organization),
        given(entityType),
        given(entityId),
        given(actor),
        actionValue,
        prefix,
        fromValue,
        toValue);
  }

  private static String given(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** The caller's value in a message, cut short: the message is for fixing, not for echoing. */
  private static String quoted(String text) {
    return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
  }

  /** An instant with zone or offset, or a date meaning its midnight in UTC. */
  private static Instant instant(String name, String value, InvalidParameters invalid) {
    String text = given(value);
    if (text == null) {
      return null;
    }
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(text);
    } catch (DateTimeParseException e) {
      String hint = text.contains(" ") ? " (a '+' in an offset must be sent as %2B in a URL)" : "";
      invalid.add(
          name,
          quoted(text)
              + " is not an ISO-8601 time; write e.g. 2025-01-31T12:00:00Z,"
              + " 2025-01-31T13:00:00+01:00 or 2025-01-31"
              + hint);
      return null;
    }
  }
}
