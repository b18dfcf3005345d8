package io.flowgate.engine.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the limit of the JSON API with 413. A declared {@code Content-Length}
 * over the limit is refused before anything is read; a body without one (chunked) is read up to one
 * byte past the limit, so the limit holds whatever the client declares. Bodies within the limit are
 * handed on from memory. File uploads ({@link StreamingRequests}) are not JSON: they pass untouched
 * and stream to storage under their own quota. Requests that carry whole Node-RED documents (flows
 * of a new instance, a snapshot to import) get a larger limit of their own.
 */
class RequestBodyLimitFilter extends OncePerRequestFilter {

  private static final Pattern DOCUMENT_PATHS =
      Pattern.compile("/api/v1/instances(/[^/]+/snapshots/import)?");

  private final long limit;
  private final long documentLimit;
  private final ProblemResponses problems;

  RequestBodyLimitFilter(long limit, long documentLimit, ProblemResponses problems) {
    this.limit = limit;
    this.documentLimit = documentLimit;
    this.problems = problems;
  }

  private long limitFor(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return "POST".equals(request.getMethod()) && DOCUMENT_PATHS.matcher(path).matches()
        ? documentLimit
        : limit;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return StreamingRequests.isInstanceFiles(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = limitFor(request);
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      tooLarge(request, response, limit);
      return;
    }
    boolean chunked = request.getHeader("Transfer-Encoding") != null;
    if (declared <= 0 && !chunked) {
      chain.doFilter(request, response);
      return;
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.max(declared, 256));
    try (InputStream in = request.getInputStream()) {
      byte[] chunk = new byte[8192];
      int read;
      while ((read = in.read(chunk)) != -1) {
        buffer.write(chunk, 0, read);
        if (buffer.size() > limit) {
          tooLarge(request, response, limit);
          return;
        }
      }
    }
    chain.doFilter(new BufferedBodyRequest(request, buffer.toByteArray()), response);
  }

  private void tooLarge(HttpServletRequest request, HttpServletResponse response, long limit)
      throws IOException {
    // the rest of the body is not read: tell the client the connection ends here
    response.setHeader("Connection", "close");
    problems.write(
        request,
        response,
        HttpStatus.PAYLOAD_TOO_LARGE,
        "The request body is larger than "
            + (limit / 1024)
            + " KB; send a smaller body (this API takes JSON objects, not files)");
  }
}
