package io.flowgate.engine.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict reader of RFC 4180 CSV for the tests: it rejects what the RFC does not allow (a quote or
 * line break in an unquoted field, a record not ended by CRLF) instead of guessing, so a sloppy
 * writer cannot pass by luck.
 */
final class Rfc4180 {

  private Rfc4180() {}

  static List<List<String>> parse(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= text.length()) {
            throw new AssertionError("a quoted field is not closed");
          }
          char c = text.charAt(i++);
          if (c == '"') {
            if (i < text.length() && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
      } else {
        while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '\r') {
          char c = text.charAt(i++);
          if (c == '"' || c == '\n') {
            throw new AssertionError("unquoted field holds " + (c == '"' ? "a quote" : "LF"));
          }
          field.append(c);
        }
      }
      record.add(field.toString());
      field.setLength(0);
      if (i >= text.length()) {
        throw new AssertionError("the last record is not ended by CRLF");
      }
      if (text.charAt(i) == ',') {
        i++;
      } else if (text.startsWith("\r\n", i)) {
        i += 2;
        records.add(record);
        record = new ArrayList<>();
      } else {
        throw new AssertionError("expected a comma or CRLF after a field, at " + i);
      }
    }
    return records;
  }
}
