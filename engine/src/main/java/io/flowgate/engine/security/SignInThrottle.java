package io.flowgate.engine.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing without locking anyone out. Each failed sign-in takes a token from
 * the bucket of the client address and from the bucket of the user name; an empty bucket refuses
 * the next attempt until it refills. The buckets are layered (per minute, hour, day), so the wait
 * grows as failures pile up, and they refill with time, so nothing is permanent.
 *
 * <p>An attacker's failures must never stop the real user: the user name's bucket is consulted only
 * for addresses that have failed themselves ({@value #USER_LIMIT_AFTER} times or more), so the real
 * user from a clean address always gets the password checked. Loopback is one address to the kernel
 * but counted per user name here: a local process guessing other users' passwords does not hold
 * back the administrator on the host, and the user name's bucket (fed by remote attackers) never
 * applies to loopback.
 */
@Component
public class SignInThrottle {

  /** Failures from one address after which the user name's bucket counts for it too. */
  static final int USER_LIMIT_AFTER = 3;

  private static final int MAX_TRACKED = 100_000;

  private final Cache<String, AddressState> addresses =
      Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(Duration.ofDays(1)).build();
  private final Cache<String, Bucket> users =
      Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(Duration.ofDays(1)).build();
  private final Clock clock;

  SignInThrottle(Clock clock) {
    this.clock = clock;
  }

  /** An address's failures and its bucket. */
  private record AddressState(Bucket bucket, AtomicInteger failures) {}

  /**
   * @throws SignInThrottled when this attempt must wait; the password is then not checked
   */
  public void admit(String user, String clientAddress) {
    String address = addressKey(user, clientAddress);
    AddressState state = addresses.getIfPresent(address);
    if (state == null) {
      return; // an address that has not failed: its attempt is always checked
    }
    long waitNanos = waitNanos(state.bucket());
    if (!isLoopback(clientAddress) && state.failures().get() >= USER_LIMIT_AFTER) {
      Bucket byUser = users.getIfPresent(userKey(user));
      if (byUser != null) {
        waitNanos = Math.max(waitNanos, waitNanos(byUser));
      }
    }
    if (waitNanos > 0) {
      throw new SignInThrottled(Duration.ofNanos(waitNanos), clock.instant());
    }
  }

  /** A wrong password (or an unknown user): both buckets lose a token. */
  public void failed(String user, String clientAddress) {
    AddressState state =
        addresses.get(
            addressKey(user, clientAddress),
            key -> new AddressState(addressBucket(), new AtomicInteger()));
    state.failures().incrementAndGet();
    state.bucket().tryConsume(1);
    users.get(userKey(user), key -> userBucket()).tryConsume(1);
  }

  /**
   * A right password: the address's count of failures starts again, so a user who mistyped a few
   * times is not held back by an attacker's failures for the same name; the buckets stay as they
   * are (signing in as oneself must not refill them).
   */
  public void succeeded(String user, String clientAddress) {
    AddressState state = addresses.getIfPresent(addressKey(user, clientAddress));
    if (state != null) {
      state.failures().set(0);
    }
  }

  private static long waitNanos(Bucket bucket) {
    EstimationProbe probe = bucket.estimateAbilityToConsume(1);
    return probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill();
  }

  /**
   * 10 failures at once, then one every 6 s; past 30 in an hour one every 2 min; past 100 in a day
   * one every 15 min.
   */
  private static Bucket addressBucket() {
    return Bucket.builder()
        .addLimit(greedy(10, Duration.ofMinutes(1)))
        .addLimit(greedy(30, Duration.ofHours(1)))
        .addLimit(greedy(100, Duration.ofDays(1)))
        .build();
  }

  /**
   * 5 failures at once, then one every 12 s; past 20 in an hour one every 3 min; past 50 in a day
   * one every 30 min: the pace of a guesser spread over many addresses.
   */
  private static Bucket userBucket() {
    return Bucket.builder()
        .addLimit(greedy(5, Duration.ofMinutes(1)))
        .addLimit(greedy(20, Duration.ofHours(1)))
        .addLimit(greedy(50, Duration.ofDays(1)))
        .build();
  }

  private static Bandwidth greedy(int tokens, Duration period) {
    return Bandwidth.builder().capacity(tokens).refillGreedy(tokens, period).build();
  }

  private static String userKey(String user) {
    return user == null ? "" : user.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * IPv4 addresses as they are, IPv6 by their /64 (one host owns a whole /64), loopback per user
   * name.
   */
  static String addressKey(String user, String clientAddress) {
    InetAddress address = parse(clientAddress);
    if (address == null) {
      return "unknown:" + clientAddress;
    }
    if (address.isLoopbackAddress()) {
      return "loopback:" + userKey(user);
    }
    byte[] bytes = address.getAddress();
    if (bytes.length == 16) {
      StringBuilder prefix = new StringBuilder("v6:");
      for (int i = 0; i < 8; i++) {
        prefix.append(String.format("%02x", bytes[i]));
      }
      return prefix.toString();
    }
    return "v4:" + address.getHostAddress();
  }

  private static boolean isLoopback(String clientAddress) {
    InetAddress address = parse(clientAddress);
    return address != null && address.isLoopbackAddress();
  }

  /** The servlet container's peer address, always a literal: parsed, never looked up. */
  private static InetAddress parse(String clientAddress) {
    if (clientAddress == null || !clientAddress.matches("[0-9a-fA-F:.]+(%\\w+)?")) {
      return null;
    }
    try {
      return InetAddress.getByName(clientAddress);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
