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
 * Answers what device agents call by the thousand before the rest of the web stack sees it: the
 * heartbeat ({@code POST /api/v1/devices/{id}/live/state}) and, when a rollout moves a fleet, the
 * snapshot and settings every device then fetches ({@code GET .../live/snapshot}, {@code GET
 * .../live/settings}). Through Spring Security's filter chains, its handler-mapping lookup and
 * Spring MVC, a heartbeat cost the engine about six times the work of the heartbeat itself
 * (bench/heartbeats). The answers are those of {@link DeviceLiveController}: the device's own token
 * checked against its hash in memory, then 200 {@code {}} or 409 with the targets, the snapshot or
 * the settings.
 *
 * <p>Anything else goes on to the full stack untouched, where the controller answers it as before:
 * another path or method, a heartbeat body over {@link #MAX_BODY} or without a length, a content
 * type other than JSON, a body that is no JSON. Heartbeats answered here are counted in {@code
 * flowgate.device.heartbeats} (not in {@code http.server.requests}).
 */
class DeviceAgentFastPath extends OncePerRequestFilter {

  /** An agent's heartbeat is about 500 bytes. */
  static final int MAX_BODY = 16 * 1024;

  private static final String PREFIX = "/api/v1/devices/";
  private static final byte[] IN_ORDER = {'{', '}'};

  /** The calls answered here. */
  private enum Call {
    HEARTBEAT("POST", "/live/state"),
    SNAPSHOT("GET", "/live/snapshot"),
    SETTINGS("GET", "/live/settings");

    final String method;
    final String suffix;

    Call(String method, String suffix) {
      this.method = method;
      this.suffix = suffix;
    }
  }

  private final LiveDevices live;
  private final DeviceDeliveries deliveries;
  private final ObjectMapper json;
  private final ProblemResponses problems;
  private final Counter inOrder;
  private final Counter toChange;

  DeviceAgentFastPath(
      LiveDevices live,
      DeviceDeliveries deliveries,
      ObjectMapper json,
      ProblemResponses problems,
      MeterRegistry meters) {
    this.live = live;
    this.deliveries = deliveries;
    this.json = json;
    this.problems = problems;
    this.inOrder = heartbeats(meters, "in-order");
    this.toChange = heartbeats(meters, "change");
  }

  private static Counter heartbeats(MeterRegistry meters, String answer) {
    return Counter.builder("flowgate.device.heartbeats")
        .description("Agent heartbeats answered by the device agent fast path")
        .tag("answer", answer)
        .register(meters);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return call(request) == null;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Call call = call(request);
    int length = request.getContentLength();
    if (call == Call.HEARTBEAT
        && (length > MAX_BODY
            || (length < 0 && request.getHeader("Transfer-Encoding") != null)
            || (length > 0 && !isJson(request.getContentType())))) {
      chain.doFilter(request, response);
      return;
    }
    LiveDevices.Entry device;
    try {
      device =
          live.authenticate(deviceId(request, call), request.getHeader(HttpHeaders.AUTHORIZATION));
    } catch (ApiProblem problem) {
      problems.write(request, response, problem);
      return;
    }
    switch (call) {
      case HEARTBEAT -> heartbeat(device, request, response, chain, length);
      case SNAPSHOT ->
          answer(
              response,
              HttpServletResponse.SC_OK,
              json.writeValueAsBytes(deliveries.snapshot(device.id, device.target)));
      case SETTINGS -> {
        byte[] settings;
        try {
          settings = deliveries.settingsJson(device.id, device.target);
        } catch (ApiProblem problem) {
          problems.write(request, response, problem);
          return;
        }
        answer(response, HttpServletResponse.SC_OK, settings);
      }
    }
  }

  private void heartbeat(
      LiveDevices.Entry device,
      HttpServletRequest request,
      HttpServletResponse response,
      FilterChain chain,
      int length)
      throws ServletException, IOException {
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
    if (answer.inOrder()) {
      inOrder.increment();
      answer(response, HttpServletResponse.SC_OK, IN_ORDER);
    } else {
      toChange.increment();
      answer(
          response,
          HttpServletResponse.SC_CONFLICT,
          json.writeValueAsBytes(DeviceLiveController.conflict(answer)));
    }
  }

  private static void answer(HttpServletResponse response, int status, byte[] body)
      throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Which of the calls answered here the request is, or null. */
  private static Call call(HttpServletRequest request) {
    for (Call call : Call.values()) {
      if (call.method.equals(request.getMethod()) && deviceId(request, call) != null) {
        return call;
      }
    }
    return null;
  }

  /** The device id in the path of the call, or null when the path is not the call's. */
  private static String deviceId(HttpServletRequest request, Call call) {
    String path = request.getRequestURI();
    String context = request.getContextPath();
    int from = context.length() + PREFIX.length();
    int to = path.length() - call.suffix.length();
    if (to <= from
        || !path.startsWith(context)
        || !path.startsWith(PREFIX, context.length())
        || !path.endsWith(call.suffix)) {
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
