package io.flowgate.engine.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The REST API of one engine node as a user sees it: JSON in and out, HTTP Basic. */
final class FlowgateClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  record Response(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    Response expect(int wanted) {
      if (status != wanted) {
        throw new AssertionError("expected " + wanted + " but got " + status + ": " + body);
      }
      return this;
    }
  }

  private final Supplier<URI> base;
  private final String user;
  private final String password;

  /** {@code base} is asked on every request: the node answering may change between calls. */
  FlowgateClient(Supplier<URI> base, String user, String password) {
    this.base = base;
    this.user = user;
    this.password = password;
  }

  FlowgateClient as(String otherUser, String otherPassword) {
    return new FlowgateClient(base, otherUser, otherPassword);
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response post(String path, Object body) {
    return send("POST", path, body);
  }

  Response put(String path, Object body) {
    return send("PUT", path, body);
  }

  Response delete(String path) {
    return send("DELETE", path, null);
  }

  private Response send(String method, String path, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base.get().resolve(path))
              .timeout(Duration.ofSeconds(60))
              .header(
                  "Authorization",
                  "Basic "
                      + Base64.getEncoder()
                          .encodeToString(
                              (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@code path} until {@code done} says so; fails with the last answer after the time. */
  JsonNode await(String what, String path, Duration timeout, Predicate<JsonNode> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Response last = null;
    while (System.nanoTime() < deadline) {
      last = get(path);
      if (last.status() == 200 && done.test(last.json())) {
        return last.json();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(what + " not within " + timeout + "; last answer: " + last);
  }
}
