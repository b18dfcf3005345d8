package io.flowgate.engine.promotion;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Flows that answer GET /hello with a fixed text, to tell which version an instance runs. */
public final class HelloFlows {

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private HelloFlows() {}

  /** http in GET /hello → change (payload = answer) → http response, on tab "tab.hello". */
  public static List<Object> answering(String answer) {
    return List.of(
        Map.of("id", "tab.hello", "type", "tab", "label", "Hello"),
        Map.of(
            "id",
            "hello-in",
            "type",
            "http in",
            "z",
            "tab.hello",
            "url",
            "/hello",
            "method",
            "get",
            "x",
            100,
            "y",
            100,
            "wires",
            List.of(List.of("hello-text"))),
        Map.of(
            "id",
            "hello-text",
            "type",
            "change",
            "z",
            "tab.hello",
            "name",
            "answer",
            "rules",
            List.of(Map.of("t", "set", "p", "payload", "pt", "msg", "to", answer, "tot", "str")),
            "x",
            300,
            "y",
            100,
            "wires",
            List.of(List.of("hello-out"))),
        Map.of(
            "id",
            "hello-out",
            "type",
            "http response",
            "z",
            "tab.hello",
            "x",
            500,
            "y",
            100,
            "wires",
            List.of()));
  }

  /** Status and body of GET /hello of the Node-RED listening on the port. */
  public static String ask(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hello"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
