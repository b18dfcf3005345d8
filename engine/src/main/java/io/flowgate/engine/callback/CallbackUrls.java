package io.flowgate.engine.callback;

import io.flowgate.engine.web.ApiProblem;
import java.net.URI;
import java.net.URISyntaxException;

/** The one rule for callback URLs a requester gives: absolute http(s), no user info. */
public final class CallbackUrls {

  private CallbackUrls() {}

  /**
   * @return the URL to call back, or null when none was given
   * @throws ApiProblem 400 naming the field {@code callbackUrl}
   */
  public static String validate(String requested) {
    if (requested == null || requested.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(requested.strip());
      if (!uri.isAbsolute()
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getUserInfo() != null) {
        throw new URISyntaxException(requested, "not an absolute http(s) URL");
      }
      return uri.toString();
    } catch (URISyntaxException e) {
      throw ApiProblem.invalid(
          "callbackUrl", "must be an absolute http:// or https:// URL without user info");
    }
  }
}
