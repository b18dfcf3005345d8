package io.flowgate.engine.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Reading the audit log: list, export and verify. Who may is decided by {@link AuditAccess}. */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "Audit log", description = "The hash-chained record of who did what to which entity")
class AuditController {

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final AuditAccess access;
  private final AuditReader reader;
  private final AuditExport export;
  private final ChainVerifier verifier;
  private final ObjectMapper json;
  private final Clock clock;

  AuditController(
      AuditAccess access,
      AuditReader reader,
      AuditExport export,
      ChainVerifier verifier,
      ObjectMapper json,
      Clock clock) {
    this.access = access;
    this.reader = reader;
    this.export = export;
    this.verifier = verifier;
    this.json = json;
    this.clock = clock;
  }

  @GetMapping
  @Operation(
      summary = "List audit entries that match the filters, a page at a time",
      description =
          "Newest first unless order=asc. Pass a page's nextAfterSeq as afterSeq for the next"
              + " page; it is null on the last page.")
  AuditPage list(
      @ParameterObject @ModelAttribute AuditFilterParams filter,
      @Parameter(description = "Continue after this seq (a page's nextAfterSeq)")
          @RequestParam(required = false)
          String afterSeq,
      @Parameter(description = "Entries per page, 1 to 1000 (default 100)")
          @RequestParam(required = false)
          String limit,
      @Parameter(description = "desc (newest first, default) or asc")
          @RequestParam(required = false)
          String order,
      Authentication caller) {
    AuditScope scope = access.readableScope(caller);
    InvalidParameters invalid = new InvalidParameters();
    AuditFilter matching = filter.toFilter(invalid);
    AuditPaging paging = AuditPaging.parse(afterSeq, limit, order, true, invalid);
    invalid.throwIfAny();
    AuditQuery query = new AuditQuery(matching, scope, paging.afterSeq(), paging.newestFirst());
    // one more than asked tells whether there is a next page without a second query
    List<AuditEntry> entries = reader.page(query, paging.limit() + 1);
    boolean more = entries.size() > paging.limit();
    List<AuditEntry> items = more ? entries.subList(0, paging.limit()) : entries;
    return new AuditPage(
        items.stream().map(e -> AuditEntryJson.of(e, json)).toList(),
        more ? items.get(items.size() - 1).seq() : null);
  }

  @GetMapping("/export")
  @Operation(
      summary = "Download the audit entries that match the filters as JSON Lines or CSV",
      description =
          "Oldest first unless order=desc; streamed, so any size works. JSON Lines has one list"
              + " item per line; CSV (RFC 4180) has a header row and the details as JSON text.")
  @ApiResponse(
      responseCode = "200",
      description = "The file, as an attachment",
      content = {
        @Content(
            mediaType = "application/x-ndjson",
            schema = @Schema(type = "string", format = "binary")),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary"))
      })
  ResponseEntity<StreamingResponseBody> export(
      @ParameterObject @ModelAttribute AuditFilterParams filter,
      @Parameter(description = "jsonl (default) or csv") @RequestParam(required = false)
          String format,
      @Parameter(description = "Start after this seq, e.g. the last one of an earlier export")
          @RequestParam(required = false)
          String afterSeq,
      @Parameter(description = "asc (oldest first, default) or desc")
          @RequestParam(required = false)
          String order,
      Authentication caller) {
    // everything is checked before the first byte: once streaming, the status is sent
    AuditScope scope = access.readableScope(caller);
    InvalidParameters invalid = new InvalidParameters();
    AuditFilter matching = filter.toFilter(invalid);
    AuditPaging paging = AuditPaging.parse(afterSeq, null, order, false, invalid);
    AuditExport.Format chosen = AuditExport.Format.parse(format, invalid);
    invalid.throwIfAny();
    AuditQuery query = new AuditQuery(matching, scope, paging.afterSeq(), paging.newestFirst());
    String fileName =
        "flowgate-audit-" + FILE_TIME.format(Instant.now(clock)) + "." + chosen.extension;
    return ResponseEntity.ok()
        .contentType(chosen.mediaType)
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment().filename(fileName).build().toString())
        .body(out -> export.write(query, chosen, out));
  }

  @GetMapping("/verify")
  @Operation(
      summary = "Recompute the hash chain and report the first entry that was edited or removed",
      description =
          "Walks every entry in seq order. reason is 'content changed', 'link broken' or 'entry"
              + " missing before this one'. Entries removed from the end leave no trace in the"
              + " chain: compare head with a value noted earlier.")
  ChainVerification verify(Authentication caller) {
    access.checkMayVerify(caller);
    return verifier.verify();
  }
}
