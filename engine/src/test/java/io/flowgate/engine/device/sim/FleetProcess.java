package io.flowgate.engine.device.sim;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A {@link DeviceSimulator} in a JVM of its own, so that a benchmark measures the engine and the
 * fleet apart (bench/rollout). Started with the forge URL, the interval and jitter in milliseconds
 * and a file of credentials (one device per line: id, token, credential secret, separated by
 * spaces); answers one line per command read from stdin:
 *
 * <ul>
 *   <li>{@code count <snapshot id>}: {@code count <agents that report it>}
 *   <li>{@code latency}: {@code latency <p50 ms> <p99 ms> <heartbeats>} since the last {@code
 *       latency}
 *   <li>{@code stats}: {@code stats <agents stopped for good> <failed requests> <heartbeats>}
 *   <li>{@code errors}: {@code errors <n>x<last error>...}, the agents' last errors counted
 *   <li>{@code stop}: stops the agents and exits
 * </ul>
 */
public final class FleetProcess {

  private FleetProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: FleetProcess <forge url> <interval ms> <jitter ms> <credentials>");
      System.exit(2);
    }
    List<DeviceSimulator.Credentials> fleet =
        Files.readAllLines(Path.of(args[3])).stream()
            .filter(line -> !line.isBlank())
            .map(line -> line.trim().split(" "))
            .map(f -> new DeviceSimulator.Credentials(f[0], f[1], f[2]))
            .toList();
    DeviceSimulator.Settings settings =
        DeviceSimulator.Settings.of(URI.create(args[0]))
            .interval(
                Duration.ofMillis(Long.parseLong(args[1])),
                Duration.ofMillis(Long.parseLong(args[2])));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (DeviceSimulator simulator = new DeviceSimulator(settings, fleet).start()) {
      out.println("started " + fleet.size());
      long[] mark = simulator.latencies().snapshot();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals("stop")) {
        String[] command = line.trim().split(" ");
        switch (command[0]) {
          case "count" ->
              out.println(
                  "count "
                      + simulator.agents().stream()
                          .filter(agent -> command[1].equals(agent.snapshot()))
                          .count());
          case "latency" -> {
            double[] q = simulator.latencies().since(mark, 0.5, 0.99);
            mark = simulator.latencies().snapshot();
            out.println(String.format(Locale.ROOT, "latency %.1f %.1f %.0f", q[0], q[1], q[2]));
          }
          case "stats" ->
              out.println(
                  "stats "
                      + simulator.agents().stream().filter(a -> a.fatal() != null).count()
                      + " "
                      + simulator.agents().stream().mapToLong(VirtualAgent::failedRequests).sum()
                      + " "
                      + simulator.heartbeats());
          case "errors" -> {
            // the distinct last errors of the agents (first 80 characters) and how many have each
            java.util.Map<String, Long> errors = new java.util.TreeMap<>();
            simulator.agents().stream()
                .filter(agent -> agent.lastError() != null)
                .forEach(
                    agent ->
                        errors.merge(
                            agent
                                .lastError()
                                .substring(0, Math.min(80, agent.lastError().length()))
                                .replace(' ', '_'),
                            1L,
                            Long::sum));
            StringBuilder answer = new StringBuilder("errors");
            errors.forEach((error, n) -> answer.append(' ').append(n).append('x').append(error));
            out.println(answer);
          }
          default -> out.println("unknown " + line);
        }
      }
    }
    System.exit(0);
  }
}
