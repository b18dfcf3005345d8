package io.flowgate.engine.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.flowgate.engine.web.ApiProblem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Callbacks reach public addresses only, unless allowlisted: refused when the URL is given and
 * again when it is sent, before any connection. The only traffic these tests send goes to a
 * receiver on 127.0.0.1; every other address is refused before a socket opens (a resolver that
 * counts lookups and a recording transport show it), so nothing is sent to 169.254.169.254 or
 * 10.0.0.1.
 */
class CallbackAddressesTest {

  private static final byte[] BODY = "{}".getBytes();

  private HttpServer receiver;
  private final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void receiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/callback",
        exchange -> {
          received.add(exchange.getRequestURI().getPath());
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.createContext(
        "/moved",
        exchange -> {
          received.add(exchange.getRequestURI().getPath());
          exchange.getResponseHeaders().add("Location", receiverUrl("/callback"));
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "http://localhost/",
        "http://metadata.internal.example/"
      })
  void inwardAddressesAreRefusedWhenGivenWithAMessageThatSaysWhatToDo(String url) {
    CallbackUrls urls = new CallbackUrls(new CallbackAddressPolicy(""), RESOLVER);
    assertThatThrownBy(() -> urls.validate(url))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining("callbackUrl")
        .hasMessageContaining("public addresses only unless FLOWGATE_CALLBACK_ALLOW");
  }

  @Test
  void publicAddressesAndAllowlistedOnesPass() {
    CallbackUrls open = new CallbackUrls(new CallbackAddressPolicy(""), RESOLVER);
    assertThat(open.validate("https://ci.example/hook")).isEqualTo("https://ci.example/hook");
    assertThat(open.validate("https://93.184.215.14/hook")).isNotNull();
    // a name that does not resolve now is checked again when sent
    assertThat(open.validate("https://not-yet.example/hook")).isNotNull();

    CallbackUrls allowing =
        new CallbackUrls(
            new CallbackAddressPolicy(" 127.0.0.1 , 10.1.0.0/16,metadata.internal.example"),
            RESOLVER);
    assertThat(allowing.validate("http://127.0.0.1:8080/hook")).isNotNull();
    assertThat(allowing.validate("http://10.1.200.3/hook")).isNotNull();
    assertThat(allowing.validate("http://metadata.internal.example/")).isNotNull();
    assertThatThrownBy(() -> allowing.validate("http://10.2.0.1/"))
        .hasMessageContaining("private address");
    assertThatThrownBy(() -> allowing.validate("http://127.0.0.2/"))
        .hasMessageContaining("loopback address");
  }

  @Test
  void aBrokenAllowlistStopsTheStartWithWhatToFix() {
    assertThatThrownBy(() -> new CallbackAddressPolicy("10.0.0.0/33"))
        .hasMessageContaining("FLOWGATE_CALLBACK_ALLOW")
        .hasMessageContaining("10.0.0.0/33");
  }

  @Test
  void sendRefusesInwardAddressesBeforeConnectingAndSaysOnlyThatItWasRefused() {
    CountingResolver resolver = new CountingResolver();
    CallbackTransport transport =
        new CallbackTransport(new CallbackAddressPolicy(""), resolver, Duration.ofSeconds(2));
    for (String url :
        List.of(
            receiverUrl("/callback"),
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://localhost:" + receiver.getAddress().getPort() + "/callback")) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> transport.post(URI.create(url), Map.of(), BODY))
          .as(url)
          .isInstanceOf(CallbackDeliveryFailed.class)
          .hasMessageStartingWith("Callback delivery failed: refused address")
          .hasNoCause();
      // refused by the check, not by a connection that timed out
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }
    assertThat(received).as("nothing reached the loopback receiver").isEmpty();
    assertThat(resolver.lookups.get()).isEqualTo(4);
  }

  @Test
  void aNameThatPointsInwardOnlyAtSendTimeIsRefused() {
    // public when the URL was given, loopback when the callback goes out (DNS rebinding)
    AtomicInteger asked = new AtomicInteger();
    HostResolver rebinding =
        host ->
            asked.getAndIncrement() == 0
                ? List.of(InetAddress.getByName("93.184.215.14"))
                : List.of(InetAddress.getLoopbackAddress());
    CallbackAddressPolicy policy = new CallbackAddressPolicy("");
    String url = "http://rebind.example:" + receiver.getAddress().getPort() + "/callback";
    assertThat(new CallbackUrls(policy, rebinding).validate(url)).isEqualTo(url);
    assertThatThrownBy(
            () ->
                new CallbackTransport(policy, rebinding, Duration.ofSeconds(2))
                    .post(URI.create(url), Map.of(), BODY))
        .hasMessage("Callback delivery failed: refused address (loopback)");
    assertThat(received).isEmpty();
  }

  @Test
  void anAllowlistedLoopbackReceiverGetsItsCallbackAndRedirectsAreNotFollowed() {
    CallbackTransport transport =
        new CallbackTransport(
            new CallbackAddressPolicy("127.0.0.1"), new CountingResolver(), Duration.ofSeconds(5));
    assertThat(transport.post(URI.create(receiverUrl("/callback")), Map.of(), BODY)).isEqualTo(204);
    assertThat(received).containsExactly("/callback");

    received.clear();
    assertThatThrownBy(() -> transport.post(URI.create(receiverUrl("/moved")), Map.of(), BODY))
        .hasMessage("Callback delivery failed: HTTP 302 (redirects are not followed)");
    assertThat(received).containsExactly("/moved");
  }

  @Test
  void failuresShowAStatusOrACategoryNeverTheNetworkLibrarysText() throws IOException {
    CallbackTransport transport =
        new CallbackTransport(
            new CallbackAddressPolicy("127.0.0.1"), new CountingResolver(), Duration.ofSeconds(5));
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                transport.post(
                    URI.create("http://127.0.0.1:" + closedPort + "/callback"), Map.of(), BODY))
        .hasMessage("Callback delivery failed: connection refused")
        .hasNoCause();
    assertThatThrownBy(
            () -> transport.post(URI.create(receiverUrl("/nothing-here")), Map.of(), BODY))
        .hasMessage("Callback delivery failed: HTTP 404")
        .hasNoCause();
  }

  private String receiverUrl(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  /** Names of the tests, resolved without DNS; IP literals come back as themselves. */
  private static final HostResolver RESOLVER =
      host ->
          switch (host) {
            case "localhost" -> List.of(InetAddress.getByName("127.0.0.1"));
            case "metadata.internal.example" -> List.of(InetAddress.getByName("169.254.169.254"));
            case "ci.example" -> List.of(InetAddress.getByName("93.184.215.14"));
            default -> {
              if (AddressRange.looksLikeIpLiteral(host)) {
                yield List.of(InetAddress.getByName(host));
              }
              throw new UnknownHostException(host);
            }
          };

  private static final class CountingResolver implements HostResolver {
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      lookups.incrementAndGet();
      return RESOLVER.resolve(host);
    }
  }
}
