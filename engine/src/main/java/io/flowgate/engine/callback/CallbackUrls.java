package io.flowgate.engine.callback;

import io.flowgate.engine.web.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.springframework.stereotype.Component;

/**
 * The one rule for callback URLs a requester gives: absolute http(s), no user info, and a host
 * {@link CallbackAddressPolicy} allows. The host is checked here and again when the callback is
 * sent (it may point elsewhere by then).
 */
@Component
public class CallbackUrls {

  private final CallbackAddressPolicy policy;
  private final HostResolver resolver;

  CallbackUrls(CallbackAddressPolicy policy, HostResolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  /**
   * @return the URL to call back, or null when none was given
   * @throws ApiProblem 400 naming the field {@code callbackUrl}
   */
  public String validate(String requested) {
    if (requested == null || requested.isBlank()) {
      return null;
    }
    URI uri;
    try {
      uri = new URI(requested.strip());
      if (!uri.isAbsolute()
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getUserInfo() != null) {
        throw new URISyntaxException(requested, "not an absolute http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw ApiProblem.invalid(
          "callbackUrl", "must be an absolute http:// or https:// URL without user info");
    }
    String host = uri.getHost();
    host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    try {
      policy.check(host, resolver.resolve(host));
    } catch (CallbackAddressPolicy.RefusedAddress e) {
      throw ApiProblem.invalid("callbackUrl", e.getMessage());
    } catch (UnknownHostException e) {
      // a name that does not resolve yet may later; the send checks it again either way
    }
    return uri.toString();
  }
}
