package io.flowgate.engine.callback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Which addresses callbacks may go to: anything public. Loopback, link-local (cloud metadata at
 * 169.254.169.254), private, unique-local, multicast, unspecified and other special-purpose
 * addresses are refused, so a callback URL cannot make Flowgate reach into its own network, unless
 * {@code FLOWGATE_CALLBACK_ALLOW} (comma-separated host names, addresses or CIDR ranges) names
 * them.
 */
@Component
public class CallbackAddressPolicy {

  /** Special-purpose ranges besides those {@link InetAddress} names itself (RFC 6890 and after). */
  private static final Map<String, String> SPECIAL =
      Map.ofEntries(
          Map.entry("0.0.0.0/8", "unspecified"),
          Map.entry("100.64.0.0/10", "private"),
          Map.entry("192.0.0.0/24", "reserved"),
          Map.entry("192.0.2.0/24", "reserved"),
          Map.entry("198.18.0.0/15", "reserved"),
          Map.entry("198.51.100.0/24", "reserved"),
          Map.entry("203.0.113.0/24", "reserved"),
          Map.entry("240.0.0.0/4", "reserved"),
          Map.entry("fc00::/7", "private"),
          Map.entry("2001:db8::/32", "reserved"),
          Map.entry("2001::/32", "reserved"),
          Map.entry("100::/64", "reserved"));

  private static final List<Map.Entry<AddressRange, String>> SPECIAL_RANGES =
      SPECIAL.entrySet().stream()
          .map(entry -> Map.entry(AddressRange.parse(entry.getKey()), entry.getValue()))
          .toList();

  private static final AddressRange IPV4_COMPATIBLE = AddressRange.parse("::/96");
  private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");

  private final Set<String> allowedHosts;
  private final List<AddressRange> allowedRanges;

  public CallbackAddressPolicy(@Value("${flowgate.callbacks.allow:}") String allow) {
    List<String> entries =
        allow == null
            ? List.of()
            : Arrays.stream(allow.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    List<AddressRange> ranges = new ArrayList<>();
    for (String entry : entries) {
      if (AddressRange.looksLikeIpLiteral(entry.split("/", 2)[0])) {
        try {
          ranges.add(AddressRange.parse(entry));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              "FLOWGATE_CALLBACK_ALLOW: " + e.getMessage() + " (e.g. 10.1.2.0/24 or ci.internal)",
              e);
        }
      }
    }
    this.allowedRanges = List.copyOf(ranges);
    this.allowedHosts =
        entries.stream()
            .filter(entry -> !AddressRange.looksLikeIpLiteral(entry.split("/", 2)[0]))
            .map(entry -> entry.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether the allowlist names this host, so every address it resolves to may be called. */
  boolean allowsHost(String host) {
    return allowedHosts.contains(host.toLowerCase(Locale.ROOT));
  }

  /**
   * The addresses a callback to {@code host} may connect to: all of {@code resolved}, or none.
   *
   * @throws RefusedAddress when one of them is refused: a name that also points inward is not used
   *     at all
   */
  List<InetAddress> check(String host, List<InetAddress> resolved) {
    if (allowsHost(host)) {
      return resolved;
    }
    for (InetAddress address : resolved) {
      Optional<String> kind = refusal(address);
      if (kind.isPresent()) {
        throw new RefusedAddress(host, address, kind.get());
      }
    }
    return resolved;
  }

  /** Why {@code address} is refused ("loopback", "private"…), or empty when it may be called. */
  Optional<String> refusal(InetAddress address) {
    if (allowedRanges.stream().anyMatch(range -> range.contains(address))) {
      return Optional.empty();
    }
    return kind(address);
  }

  private static Optional<String> kind(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("private");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    if (address instanceof Inet4Address && address.getAddress()[0] == (byte) 255) {
      return Optional.of("broadcast");
    }
    for (Map.Entry<AddressRange, String> special : SPECIAL_RANGES) {
      if (special.getKey().contains(address)) {
        return Optional.of(special.getValue());
      }
    }
    if (address instanceof Inet6Address) {
      return embeddedIpv4(address.getAddress()).flatMap(CallbackAddressPolicy::kind);
    }
    return Optional.empty();
  }

  /**
   * The IPv4 address inside an IPv6 one that carries it (IPv4-compatible {@code ::a.b.c.d}, NAT64
   * {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}), judged like the IPv4 address itself.
   */
  private static Optional<InetAddress> embeddedIpv4(byte[] v6) {
    byte[] v4 = null;
    if (IPV4_COMPATIBLE.containsBytes(v6) || NAT64.containsBytes(v6)) {
      v4 = Arrays.copyOfRange(v6, 12, 16);
    } else if (v6[0] == 0x20 && v6[1] == 0x02) {
      v4 = Arrays.copyOfRange(v6, 2, 6);
    }
    if (v4 == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByAddress(v4));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** A callback target whose address is refused; says what to change. */
  static final class RefusedAddress extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final String kind;

    RefusedAddress(String host, InetAddress address, String kind) {
      super(
          host
              + " is "
              + (host.equals(address.getHostAddress())
                  ? ""
                  : "at " + address.getHostAddress() + ", ")
              + "a "
              + kind
              + " address; callbacks go to public addresses only unless FLOWGATE_CALLBACK_ALLOW"
              + " names the host or its range",
          null,
          false,
          false);
      this.kind = kind;
    }
  }
}
