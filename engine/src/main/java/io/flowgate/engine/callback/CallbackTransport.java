package io.flowgate.engine.callback;

import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * POSTs a callback body to a checked address: the host is resolved once, every address it has is
 * judged by {@link CallbackAddressPolicy}, and the connection goes to exactly those addresses (the
 * HTTP client does not look the name up again), so a name cannot point elsewhere between check and
 * connect. No redirect is followed and no proxy is used.
 */
@Component
class CallbackTransport {

  private static final Logger log = LoggerFactory.getLogger(CallbackTransport.class);
  private static final MediaType JSON = MediaType.get("application/json");

  private final CallbackAddressPolicy policy;
  private final HostResolver resolver;
  private final OkHttpClient client;

  @Autowired
  CallbackTransport(
      CallbackAddressPolicy policy, HostResolver resolver, FlowgateProperties properties) {
    this(policy, resolver, properties.instances().callbackTimeout());
  }

  CallbackTransport(CallbackAddressPolicy policy, HostResolver resolver, Duration timeout) {
    this.policy = policy;
    this.resolver = resolver;
    this.client =
        new OkHttpClient.Builder()
            .proxy(Proxy.NO_PROXY)
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .callTimeout(timeout.multipliedBy(2))
            .build();
  }

  /**
   * @return the receiver's HTTP status (2xx)
   * @throws CallbackDeliveryFailed with a status or a short category when it did not arrive
   */
  int post(URI url, Map<String, String> headers, byte[] body) {
    String host = bare(url.getHost());
    List<InetAddress> addresses;
    try {
      addresses = policy.check(host, resolver.resolve(host));
    } catch (CallbackAddressPolicy.RefusedAddress e) {
      log.warn("Callback not sent: {}", e.getMessage());
      throw new CallbackDeliveryFailed("refused address (" + e.kind + ")");
    } catch (UnknownHostException e) {
      log.warn("Callback to {} not sent: unknown host", host);
      throw new CallbackDeliveryFailed("unknown host");
    }
    OkHttpClient pinned =
        client
            .newBuilder()
            // the addresses just checked, for this host only: no second lookup
            .dns(
                name -> {
                  if (!name.equalsIgnoreCase(host)) {
                    throw new UnknownHostException("not the callback's host");
                  }
                  return addresses;
                })
            // and the socket is where it should be, whatever the route (an IP literal skips dns)
            .addNetworkInterceptor(
                chain -> {
                  InetAddress connected = chain.connection().route().socketAddress().getAddress();
                  if (!addresses.contains(connected)) {
                    throw new IOException("connected to an unchecked address");
                  }
                  return chain.proceed(chain.request());
                })
            .build();
    Request.Builder request = new Request.Builder().url(url.toString());
    headers.forEach(request::header);
    request.post(RequestBody.create(body, JSON));
    try (Response response = pinned.newCall(request.build()).execute()) {
      if (!response.isSuccessful()) {
        log.warn("Callback to {} answered HTTP {}", host, response.code());
        throw new CallbackDeliveryFailed(
            "HTTP "
                + response.code()
                + (response.isRedirect() ? " (redirects are not followed)" : ""));
      }
      return response.code();
    } catch (IOException e) {
      log.warn("Callback to {} failed: {}", host, e.toString());
      throw new CallbackDeliveryFailed(category(e));
    }
  }

  private static String category(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof InterruptedIOException) {
      return "timeout";
    }
    if (e instanceof UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof SSLException) {
      return "TLS failure";
    }
    return "connection failed";
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
