package io.flowgate.engine.device;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.web.ApiProblem;
import io.flowgate.engine.web.BufferedBodyRequest;
import io.flowgate.engine.web.ProblemResponses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers agent heartbeats ({@code POST /api/v1/devices/{id}/live/state}) before the rest of the
 * web stack sees them. Each of thousands of devices sends one every few seconds; through Spring
 * Security's filter chains, its handler-mapping lookup and Spring MVC a heartbeat cost the engine
 * about four times the work of the heartbeat itself (bench/heartbeats). The check is the same as
 * {@link DeviceLiveController#heartbeat}: the device's own token against its hash in memory, the
 * report recorded in memory, 200 {@code {}} or 409 with the targets.
 *
 * <p>Only the ordinary heartbeat is answered here. Anything else goes on to the full stack
 * untouched, where the controller answers it as before: another path or method, a body over {@link
 * #MAX_BODY} or without a length, a content type other than JSON, a body that is no JSON.
 * Heartbeats answered here are counted in {@code flowgate.device.heartbeats} (not in {@code
 * http.server.requests}).
 */
class HeartbeatFastPath extends OncePerRequestFilter {

  /** An agent's heartbeat is about 500 bytes. */
  static final int MAX_BODY = 16 * 1024;

  private static final String PREFIX = "/api/v1/devices/";
  private static final String SUFFIX = "/live/state";
  private static final byte[] IN_ORDER = {'{', '}'};

  private final LiveDevices live;
  private final ObjectMapper json;
  private final ProblemResponses problems;
  private final Counter inOrder;
  private final Counter toChange;

  HeartbeatFastPath(
      LiveDevices live, ObjectMapper json, ProblemResponses problems, MeterRegistry meters) {
    this.live = live;
    this.json = json;
    this.problems = problems;
    this.inOrder = heartbeats(meters, "in-order");
    this.toChange = heartbeats(meters, "change");
  }

  private static Counter heartbeats(MeterRegistry meters, String answer) {
    return Counter.builder("flowgate.device.heartbeats")
        .description("Agent heartbeats answered by the heartbeat fast path")
        .tag("answer", answer)
        .register(meters);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return deviceId(request) == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    int length = request.getContentLength();
    if (length > MAX_BODY || (length < 0 && request.getHeader("Transfer-Encoding") != null)) {
      chain.doFilter(request, response);
      return;
    }
    if (length > 0 && !isJson(request.getContentType())) {
      chain.doFilter(request, response);
      return;
    }
    LiveDevices.Entry device;
    try {
      device = live.authenticate(deviceId(request), request.getHeader(HttpHeaders.AUTHORIZATION));
    } catch (ApiProblem problem) {
      problems.write(request, response, problem);
      return;
    }
    JsonNode body = DeviceLiveController.EMPTY;
    if (length > 0) {
      byte[] bytes;
      try (InputStream in = request.getInputStream()) {
        bytes = in.readNBytes(length);
      }
      try {
        body = json.readTree(bytes);
      } catch (JacksonException e) {
        chain.doFilter(new BufferedBodyRequest(request, bytes), response);
        return;
      }
    }
    LiveDevices.Answer answer =
        live.heartbeat(device, body != null && body.isObject() ? body : DeviceLiveController.EMPTY);
    byte[] out;
    if (answer.inOrder()) {
      inOrder.increment();
      response.setStatus(HttpServletResponse.SC_OK);
      out = IN_ORDER;
    } else {
      toChange.increment();
      response.setStatus(HttpServletResponse.SC_CONFLICT);
      out = json.writeValueAsBytes(DeviceLiveController.conflict(answer));
    }
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setContentLength(out.length);
    response.getOutputStream().write(out);
  }

  /** The device id of a heartbeat's path, or null when the request is no heartbeat. */
  static String deviceId(HttpServletRequest request) {
    if (!"POST".equals(request.getMethod())) {
      return null;
    }
    String path = request.getRequestURI();
    String context = request.getContextPath();
    int from = context.length() + PREFIX.length();
    int to = path.length() - SUFFIX.length();
    if (to <= from
        || !path.startsWith(context)
        || !path.startsWith(PREFIX, context.length())
        || !path.endsWith(SUFFIX)) {
      return null;
    }
    for (int i = from; i < to; i++) {
      char c = path.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!plain) {
        return null; // encoded, nested or odd paths take the full stack
      }
    }
    return path.substring(from, to);
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    if (contentType.regionMatches(true, 0, MediaType.APPLICATION_JSON_VALUE, 0, 16)
        && (contentType.length() == 16 || contentType.charAt(16) == ';')) {
      return true; // what agents send, without parsing
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.isCompatibleWith(MediaType.APPLICATION_JSON)
          || "json".equals(type.getSubtypeSuffix());
    } catch (org.springframework.util.InvalidMimeTypeException e) {
      return false;
    }
  }
}
