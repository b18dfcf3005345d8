package io.flowgate.engine.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * POSTs the outcome of a process to the URL its requester gave, signed so the receiver can trust
 * it: header {@code X-Flowgate-Signature: sha256=<hex HMAC-SHA256 of the exact body>} with the
 * team's callback secret ({@code GET /api/v1/teams/{id}/callback-secret}). A receiver that does not
 * answer 2xx makes the step fail; its retries and then an incident follow.
 */
@Component
public class CallbackSender {

  public static final String SIGNATURE_HEADER = "X-Flowgate-Signature";
  public static final String DELIVERY_HEADER = "X-Flowgate-Delivery";
  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final CallbackSecrets secrets;
  private final ObjectMapper json;
  private final HttpClient http;
  private final Duration timeout;

  CallbackSender(CallbackSecrets secrets, ObjectMapper json, FlowgateProperties properties) {
    this.secrets = secrets;
    this.json = json;
    this.timeout = properties.instances().callbackTimeout();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The delivery id of a callback sent by this step of this process instance. */
  public static String deliveryId(DelegateExecution execution) {
    return execution.getProcessInstanceId() + "/" + execution.getCurrentActivityId();
  }

  /**
   * Sends {@code payload} as JSON to {@code url}, signed with the team's secret. {@code deliveryId}
   * names the step that sends it and stays the same when the step is retried (after a failed
   * attempt or a crash between sending and recording it), so a receiver can drop a repeat: in the
   * body as {@code deliveryId} and in the header {@value #DELIVERY_HEADER}.
   */
  public void send(String teamId, String url, String deliveryId, Map<String, Object> payload) {
    payload.put("deliveryId", deliveryId);
    byte[] body;
    try {
      body = json.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Callback payload is not JSON-able", e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Flowgate")
            .header(SIGNATURE_HEADER, "sha256=" + sign(secrets.of(teamId), body))
            .header(DELIVERY_HEADER, deliveryId)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<Void> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new IllegalStateException("Callback to " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling back " + url, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "Callback to " + url + " answered HTTP " + response.statusCode() + "; expected 2xx");
    }
    log.info("Called back {} ({})", url, response.statusCode());
  }

  /** Hex HMAC-SHA256 of {@code body} with {@code secret}, as receivers compute it. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
