package io.flowgate.engine.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/**
 * Requests whose bodies are files that stream to object storage rather than JSON: the instance
 * files API. The JSON API's body limit, Spring's form parsing and multipart parsing leave them
 * alone, so an upload is never capped at the JSON limit nor buffered in memory.
 */
public final class StreamingRequests {

  private static final Pattern INSTANCE_FILES =
      Pattern.compile("/api/v1/instances/[^/]+/files(/.*)?");

  private StreamingRequests() {}

  /** Whether the request is for {@code /api/v1/instances/{id}/files} or a file below it. */
  public static boolean isInstanceFiles(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    String path =
        context != null && !context.isEmpty() && uri.startsWith(context)
            ? uri.substring(context.length())
            : uri;
    return INSTANCE_FILES.matcher(path).matches();
  }
}
