package io.flowgate.engine.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
 * answer 2xx, or an address {@link CallbackAddressPolicy} refuses, makes the step fail with {@link
 * CallbackDeliveryFailed}; its retries and then an incident follow.
 */
@Component
public class CallbackSender {

  public static final String SIGNATURE_HEADER = "X-Flowgate-Signature";
  public static final String DELIVERY_HEADER = "X-Flowgate-Delivery";
  private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

  private final CallbackSecrets secrets;
  private final ObjectMapper json;
  private final CallbackTransport transport;

  CallbackSender(CallbackSecrets secrets, ObjectMapper json, CallbackTransport transport) {
    this.secrets = secrets;
    this.json = json;
    this.transport = transport;
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
    Map<String, String> headers =
        Map.of(
            "User-Agent",
            "Flowgate",
            SIGNATURE_HEADER,
            "sha256=" + sign(secrets.of(teamId), body),
            DELIVERY_HEADER,
            deliveryId);
    int status = transport.post(URI.create(url), headers, body);
    log.info("Called back {} ({})", URI.create(url).getHost(), status);
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
