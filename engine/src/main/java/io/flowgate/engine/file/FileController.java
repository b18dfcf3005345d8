package io.flowgate.engine.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * {@code /api/v1/instances/{id}/files}: the instance's files. Team viewers read, members write; the
 * instance itself uses them with its own token ({@code FLOWGATE_FILES_URL}, {@code
 * FLOWGATE_FILES_TOKEN} in its environment). Bodies are the files' bytes, streamed both ways.
 */
@RestController
@Tag(
    name = "Instance files",
    description =
        "Files an instance and its team keep in object storage, under the team's file quota")
class FileController {

  private static final String BASE = "/api/v1/instances/";
  private static final String FILE = "/api/v1/instances/{id}/files/{*path}";
  private static final String PATH_DESCRIPTION =
      "The file's path below files/, e.g. reports/2026-05-01.csv: UTF-8 (percent-encoded in the"
          + " URL) segments separated by '/', no empty, '.' or '..' segments, no backslashes or"
          + " control characters, at most 255 bytes a segment and 900 bytes in all. A path ending"
          + " in '/' (or empty) lists the files under it instead.";

  /** A refused upload's body is read on for at most this much (and this long), then cut. */
  private static final long DRAIN_BYTES = 32L * 1024 * 1024;

  private static final long DRAIN_NANOS = 10_000_000_000L;

  private final FileService files;
  private final ProblemResponses problems;
  private final ObjectMapper json;

  FileController(FileService files, ProblemResponses problems, ObjectMapper json) {
    this.files = files;
    this.problems = problems;
    this.json = json;
  }

  @GetMapping(path = "/api/v1/instances/{id}/files", produces = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "List the instance's files",
      description =
          "Every file (or those whose path starts with prefix), in byte order of their paths,"
              + " with size, SHA-256 and when and by whom each was last written.")
  List<InstanceFile> list(
      Caller caller,
      @PathVariable String id,
      @Parameter(description = "Only paths that start with this, e.g. reports/")
          @RequestParam(required = false)
          String prefix) {
    return files.list(caller, id, prefix);
  }

  @GetMapping(FILE)
  @Operation(
      summary = "Download a file (or list a folder: a path ending in '/')",
      description =
          "Streams the bytes with the Content-Type they were uploaded with, Content-Length, an"
              + " ETag (the SHA-256 in hex, quoted) and Repr-Digest. If-None-Match with the ETag"
              + " answers 304. The content is checked against its SHA-256 on the way; should"
              + " storage not match, the response is cut short instead of completed. HEAD"
              + " answers the headers only.")
  @ApiResponse(
      responseCode = "200",
      description = "The file's bytes (or, for a path ending in '/', a JSON list of files)",
      headers = {
        @Header(name = "ETag", description = "The SHA-256 of the content in hex, quoted"),
        @Header(name = "Repr-Digest", description = "sha-256=:<Base64 of the SHA-256>:")
      },
      content = {
        @Content(
            mediaType = "application/octet-stream",
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = InstanceFile.class)))
      })
  void get(
      Caller caller,
      @PathVariable String id,
      @Parameter(in = ParameterIn.PATH, description = PATH_DESCRIPTION) @PathVariable("path")
          String ignoredDecodedPath,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    String path = encodedPath(request);
    if (path.isEmpty() || path.endsWith("/")) {
      List<InstanceFile> listed = files.list(caller, id, FilePath.decode(path));
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      json.writeValue(response.getOutputStream(), listed);
      return;
    }
    InstanceFile file = files.find(caller, id, path);
    ServletWebRequest web = new ServletWebRequest(request, response);
    if (web.checkNotModified(file.sha256(), file.updatedAt().toEpochMilli())) {
      return;
    }
    response.setContentType(file.contentType());
    response.setContentLengthLong(file.size());
    response.setHeader("Repr-Digest", "sha-256=:" + base64(file.sha256()) + ":");
    response.setHeader(
        HttpHeaders.CONTENT_DISPOSITION,
        ContentDisposition.attachment()
            .filename(new FilePath(file.path()).name(), StandardCharsets.UTF_8)
            .build()
            .toString());
    // uploaded content is never run as a page of Flowgate's origin (an uploaded .html or .svg)
    response.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    if ("HEAD".equals(request.getMethod())) {
      return;
    }
    try {
      files.copy(id, file, response.getOutputStream());
    } catch (DownloadAborted | ApiProblem e) {
      if (!response.isCommitted()) {
        response.reset(); // the file's headers must not describe the problem answered instead
        if (e instanceof DownloadAborted) {
          throw new ApiProblem(
              HttpStatus.INTERNAL_SERVER_ERROR,
              "Stored file unreadable",
              "The stored content of this file cannot be read as recorded; the server log has"
                  + " the details",
              List.of());
        }
      }
      throw e;
    }
  }

  @PutMapping(FILE)
  @Operation(
      summary = "Upload a file (create or replace)",
      description =
          "The body is the file's bytes, streamed to storage (any size up to the team's file"
              + " quota; with or without Content-Length). Content-Type is kept and given back on"
              + " download; without one (or as curl's default form type) it is guessed from the"
              + " name. Over the quota: 413 with the numbers, and a file already at the path stays"
              + " as it was. If-None-Match: * only creates, If-Match: <ETag> only replaces that"
              + " version (412 otherwise). 201 for a new file, 200 for a replaced one.",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              description = "The file's bytes",
              content =
                  @Content(
                      mediaType = "application/octet-stream",
                      schema = @Schema(type = "string", format = "binary"))))
  @ApiResponse(
      responseCode = "201",
      description = "Created; 200 when a file was replaced",
      content = @Content(schema = @Schema(implementation = InstanceFile.class)))
  ResponseEntity<InstanceFile> put(
      Caller caller,
      @PathVariable String id,
      @Parameter(in = ParameterIn.PATH, description = PATH_DESCRIPTION) @PathVariable("path")
          String ignoredDecodedPath,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    FileService.Written written;
    BodyStarted body = new BodyStarted(request.getInputStream());
    try {
      written =
          files.upload(
              caller,
              id,
              encodedPath(request),
              new FileService.Upload(
                  body,
                  request.getContentLengthLong(),
                  request.getContentType(),
                  request.getHeader(HttpHeaders.IF_MATCH),
                  request.getHeader(HttpHeaders.IF_NONE_MATCH)));
    } catch (ApiProblem problem) {
      // The rest of the body is not stored. A client still sending it could lose this answer
      // when the connection closes under it: take in a little more of the body first, then answer
      // with a Content-Length and end the connection.
      // A client waiting for 100-continue has sent nothing and sends nothing: no draining.
      if (body.started || !"100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
        drain(request);
      }
      response.setHeader(HttpHeaders.CONNECTION, "close");
      problems.write(request, response, problem);
      return null;
    } catch (RuntimeException e) {
      response.setHeader(HttpHeaders.CONNECTION, "close");
      throw e;
    }
    InstanceFile file = written.file();
    ResponseEntity.BodyBuilder answer =
        written.created()
            ? ResponseEntity.created(URI.create(request.getRequestURI()))
            : ResponseEntity.ok();
    return answer.eTag(file.sha256()).body(file);
  }

  @DeleteMapping(FILE)
  @Operation(summary = "Delete a file")
  @ApiResponse(responseCode = "204", description = "Deleted")
  ResponseEntity<Void> delete(
      Caller caller,
      @PathVariable String id,
      @Parameter(in = ParameterIn.PATH, description = PATH_DESCRIPTION) @PathVariable("path")
          String ignoredDecodedPath,
      HttpServletRequest request) {
    files.delete(caller, id, encodedPath(request));
    return ResponseEntity.noContent().build();
  }

  /** The request body, noting whether reading began (which sends a 100-continue go-ahead). */
  private static final class BodyStarted extends FilterInputStream {
    boolean started;

    BodyStarted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      started = true;
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      started = true;
      return super.read(buffer, offset, length);
    }
  }

  /** Reads and drops what is left of a refused body, at most {@value #DRAIN_BYTES} bytes. */
  private static void drain(HttpServletRequest request) {
    long deadline = System.nanoTime() + DRAIN_NANOS;
    byte[] buffer = new byte[64 * 1024];
    long drained = 0;
    try {
      InputStream in = request.getInputStream();
      for (int n; drained < DRAIN_BYTES && System.nanoTime() < deadline; drained += n) {
        n = in.read(buffer);
        if (n < 0) {
          return;
        }
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone, or the body cannot be read any more: nothing to drain
    }
  }

  /**
   * The file path as sent, still percent-encoded: Flowgate decodes it itself, strictly, rather than
   * take the servlet container's lenient decoding.
   */
  static String encodedPath(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    if (context != null && !context.isEmpty() && uri.startsWith(context)) {
      uri = uri.substring(context.length());
    }
    // BASE + <id> + "/files" + ("/" + path)?; the mapping guarantees the shape
    String rest = uri.substring(BASE.length());
    rest = rest.substring(rest.indexOf('/') + 1);
    return rest.length() <= "files/".length() ? "" : rest.substring("files/".length());
  }

  private static String base64(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }
}
