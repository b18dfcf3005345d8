package io.flowgate.engine.callback;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address range in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}, a single address).
 */
record AddressRange(byte[] network, int prefix) {

  /**
   * @throws IllegalArgumentException when {@code cidr} is not an IP address with an optional prefix
   *     length; never looks a name up
   */
  static AddressRange parse(String cidr) {
    String[] parts = cidr.strip().split("/", 2);
    if (!looksLikeIpLiteral(parts[0])) {
      throw new IllegalArgumentException(cidr + " is not an IP address or CIDR range");
    }
    byte[] network;
    try {
      network = InetAddress.getByName(parts[0]).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr + " is not an IP address or CIDR range", e);
    }
    int prefix = network.length * 8;
    if (parts.length == 2) {
      try {
        prefix = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(cidr + " has no valid prefix length", e);
      }
      if (prefix < 0 || prefix > network.length * 8) {
        throw new IllegalArgumentException(cidr + " has a prefix length out of range");
      }
    }
    return new AddressRange(network, prefix);
  }

  /** Digits, dots, colons and hex only: an IP literal, which resolves without a DNS query. */
  static boolean looksLikeIpLiteral(String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return !bare.isEmpty()
        && (bare.matches("[0-9.]+") && bare.chars().filter(c -> c == '.').count() == 3
            || bare.contains(":") && bare.matches("[0-9a-fA-F:.]+"));
  }

  boolean contains(InetAddress address) {
    return containsBytes(address.getAddress());
  }

  boolean containsBytes(byte[] candidate) {
    if (candidate.length != network.length) {
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (candidate[whole] & mask) == (network[whole] & mask);
  }
}
