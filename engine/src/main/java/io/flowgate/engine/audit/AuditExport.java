package io.flowgate.engine.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/** Writes audit entries as JSON Lines or CSV, page by page as the reader fetches them. */
@Component
class AuditExport {

  static final int PAGE_SIZE = 500;

  /** The export formats, with their media type and file extension. */
  enum Format {
    JSONL(MediaType.APPLICATION_NDJSON, "jsonl"),
    // RFC 4180 names the optional header parameter; the header row is always there
    CSV(new MediaType("text", "csv", Map.of("charset", "UTF-8", "header", "present")), "csv");

    final MediaType mediaType;
    final String extension;

    Format(MediaType mediaType, String extension) {
      this.mediaType = mediaType;
      this.extension = extension;
    }

    static Format parse(String value, InvalidParameters invalid) {
      String text = value == null || value.isBlank() ? "jsonl" : value.trim();
      try {
        return valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        invalid.add("format", "must be jsonl or csv");
        return JSONL;
      }
    }
  }

  private static final String[] CSV_HEADER = {
    "seq",
    "occurredAt",
    "actor",
    "action",
    "entityType",
    "entityId",
    "organizationId",
    "teamId",
    "details",
    "previousHash",
    "hash"
  };

  private final AuditReader reader;
  private final ObjectMapper json;

  AuditExport(AuditReader reader, ObjectMapper json) {
    this.reader = reader;
    this.json = json;
  }

  void write(AuditQuery query, Format format, OutputStream out) throws IOException {
    Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    Iterable<AuditEntry> entries = reader.walk(query, PAGE_SIZE);
    if (format == Format.CSV) {
      writeCsv(entries, text);
    } else {
      writeJsonLines(entries, text);
    }
    text.flush();
  }

  /** One entry per line, the same objects the list shows. */
  private void writeJsonLines(Iterable<AuditEntry> entries, Writer out) throws IOException {
    // the servlet container closes the response, not Jackson after each line
    ObjectWriter line = json.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    for (AuditEntry entry : entries) {
      line.writeValue(out, AuditEntryJson.of(entry, json));
      out.write('\n');
    }
  }

  /**
   * RFC 4180: CRLF between records, a field in double quotes when it holds a comma, quote, CR or
   * LF, and quotes doubled inside. Details are the stored canonical JSON text; a null is an empty
   * field. Values are written as they are (no spreadsheet-formula escaping), so the hash of every
   * row can still be recomputed from the file.
   */
  private static void writeCsv(Iterable<AuditEntry> entries, Writer out) throws IOException {
    writeCsvRecord(out, CSV_HEADER);
    for (AuditEntry entry : entries) {
      writeCsvRecord(
          out,
          Long.toString(entry.seq()),
          entry.occurredAt().toString(),
          entry.actor(),
          entry.action(),
          entry.entityType(),
          entry.entityId(),
          entry.organizationId(),
          entry.teamId(),
          entry.details(),
          entry.previousHash(),
          entry.hash());
    }
  }

  private static void writeCsvRecord(Writer out, String... fields) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(csvField(fields[i]));
    }
    out.write("\r\n");
  }

  static String csvField(String value) {
    if (value == null) {
      return "";
    }
    boolean quote =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\r') >= 0
            || value.indexOf('\n') >= 0;
    return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
