import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measuring half of {@code bench/provision/run}: against a running Flowgate (docker runtime),
 * times REST request to reachable Node-RED editor and, side by side, a bare {@code docker run} of
 * the same image to reachable editor. JDK only; started with {@code java ProvisionBench.java}.
 *
 * <p>Arguments: {@code --api URL --run-id ID --results DIR [--rounds N] [--concurrent N] [--image
 * IMAGE] [--timeout SECONDS] [--state-poll-ms MS]}. Environment: {@code BENCH_ADMIN_PASSWORD}
 * (Flowgate's admin), optionally {@code BENCH_ENGINE_PID} (its CPU time is reported), {@code
 * BENCH_ENGINE_COMMIT}, {@code BENCH_ENGINE_JAR_BUILT}, {@code BENCH_ENGINE_STARTUP_S}.
 *
 * <p>Exit code 0: every request succeeded (the target may still be missed, the output says so); 1:
 * some request failed; 2: wrong arguments.
 */
public class ProvisionBench {

  static final Duration POLL = Duration.ofMillis(50);
  static final double TARGET_RATIO = 1.15;

  /** Node-RED editor login of the baseline containers: admin / flowgate-bench (bcrypt, cost 10). */
  static final String EDITOR_USER = "admin";

  static final String EDITOR_PASSWORD = "flowgate-bench";
  static final String EDITOR_HASH = "$2b$10$M9sMla/K.81xyAj1HeM1yuxZB/uLkqNyhthdOpShA3OQmtinIZO8O";

  /** Flowgate's container limits for an instance (FLOWGATE_INSTANCE_CPUS / _MEMORY_MB defaults). */
  static final String CPUS = "1";

  static final String MEMORY = "512m";

  /** Where the baseline containers listen; Flowgate's instances use 19400-19499. */
  static final int BASELINE_PORT_FROM = 19500;

  static final int BASELINE_PORT_TO = 19599;

  /**
   * Before each timed measurement: the longest wait for a quiet host (see {@link #settle}). The
   * vfs storage driver copies the whole image per container, so the previous measurement's copies
   * and removals keep the disk and CPU busy for a while; without the wait whatever runs next pays
   * for them (seen: a burst of ten right after the other side's burst took 20-50% longer).
   */
  static final Duration ROUND_SETTLE = Duration.ofSeconds(20);

  static final Duration BURST_SETTLE = Duration.ofSeconds(60);

  /** A host counts as quiet when this share of its CPU time was idle over one second. */
  static final double QUIET_IDLE = 0.5;

  record Baseline(String name, String container, int port, double editorS, String error) {}

  record Provisioned(
      String name, String id, double postS, double editorS, double runningS, String error) {}

  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private final String api;
  private final String authorization;
  private final String runId;
  private final Path results;
  private final int rounds;
  private final int concurrent;
  private final String image;
  private final Duration timeout;
  private final Duration statePoll;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final HttpClient probeHttp =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
          });
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final Set<Integer> baselinePorts = ConcurrentHashMap.newKeySet();
  private final SecureRandom random = new SecureRandom();
  private final long enginePid;
  private final AtomicLong apiRequests = new AtomicLong();
  private final List<Double> roundEngineCpu = new ArrayList<>();
  private final List<Double> roundRequests = new ArrayList<>();
  private double burstEngineCpu = Double.NaN;
  private long burstRequests;
  private String team;
  private String application;

  ProvisionBench(Map<String, String> options, String adminPassword) {
    this.api = options.get("api").replaceAll("/+$", "");
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
    this.runId = options.get("run-id");
    this.results = Path.of(options.get("results"));
    this.rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
    this.concurrent = Integer.parseInt(options.getOrDefault("concurrent", "10"));
    this.image = options.getOrDefault("image", "flowgate/node-red:4.1.8");
    this.timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "300")));
    this.statePoll = Duration.ofMillis(
        Long.parseLong(options.getOrDefault("state-poll-ms", Long.toString(POLL.toMillis()))));
    this.enginePid = Long.parseLong(System.getenv().getOrDefault("BENCH_ENGINE_PID", "0"));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        System.err.println("usage: java ProvisionBench.java --api URL --run-id ID --results DIR"
            + " [--rounds N] [--concurrent N] [--image IMAGE] [--timeout SECONDS]"
            + " [--state-poll-ms MS]");
        System.exit(2);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String password = System.getenv("BENCH_ADMIN_PASSWORD");
    if (!options.containsKey("api") || !options.containsKey("run-id")
        || !options.containsKey("results") || password == null || password.isEmpty()) {
      System.err.println("--api, --run-id, --results and BENCH_ADMIN_PASSWORD are required");
      System.exit(2);
    }
    try {
      System.exit(new ProvisionBench(options, password).run());
    } catch (Failure e) {
      say("failed: " + e.getMessage());
      System.exit(1);
    }
  }

  int run() throws Exception {
    String startedAt = OffsetDateTime.now(ZoneOffset.UTC)
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_INSTANT);
    String loadAtStart = readFirstLine("/proc/loadavg");
    setUp();

    say("warm-up (untimed): baseline, then Flowgate");
    settle(ROUND_SETTLE);
    Baseline warmBaseline = measureBaseline("warmup");
    if (warmBaseline.error() == null) {
      checkEditorLogin(warmBaseline.port());
    }
    removeBaseline(warmBaseline);
    report("  warm-up baseline", warmBaseline);
    settle(ROUND_SETTLE);
    Provisioned warmFlowgate = provision("warmup", null);
    deleteInstance(warmFlowgate);
    report("  warm-up Flowgate", warmFlowgate);

    List<Baseline> baselines = new ArrayList<>();
    List<Provisioned> provisioned = new ArrayList<>();
    List<Double> deletions = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      say("round " + round + "/" + rounds);
      settle(ROUND_SETTLE);
      Baseline baseline = measureBaseline("r" + round);
      removeBaseline(baseline);
      report("  baseline", baseline);
      baselines.add(baseline);
      settle(ROUND_SETTLE);
      double cpu = engineCpuS();
      long requests = apiRequests.get();
      Provisioned instance = provision("r" + round, null);
      roundEngineCpu.add(engineCpuS() - cpu);
      roundRequests.add((double) (apiRequests.get() - requests));
      double deleted = deleteInstance(instance);
      report("  Flowgate", instance);
      provisioned.add(instance);
      if (!Double.isNaN(deleted)) {
        deletions.add(deleted);
      }
    }

    List<Baseline> burstBaselines = List.of();
    List<Provisioned> burst = List.of();
    if (concurrent > 0) {
      say(concurrent + " bare docker runs at once");
      settle(BURST_SETTLE);
      burstBaselines = concurrentBaselines(concurrent);
      burstBaselines.forEach(b -> report("  baseline", b));
      burstBaselines.forEach(this::removeBaseline);
      say(concurrent + " POST /api/v1/instances at once");
      settle(BURST_SETTLE);
      double cpu = engineCpuS();
      long requests = apiRequests.get();
      burst = concurrentInstances(concurrent);
      burstEngineCpu = engineCpuS() - cpu;
      burstRequests = apiRequests.get() - requests;
      burst.forEach(p -> report("  Flowgate", p));
      say("deleting the " + concurrent + " instances");
      deleteAll(burst);
    }

    Map<String, Object> document =
        document(startedAt, loadAtStart, baselines, provisioned, deletions, burstBaselines, burst);
    String table = table(document, baselines, provisioned, burstBaselines, burst);
    System.out.println();
    System.out.print(table);
    Files.createDirectories(results);
    Files.writeString(results.resolve("provision.json"), toJson(document, "") + "\n");
    Files.writeString(results.resolve("provision.md"), markdown(document, table));
    say("wrote " + results.resolve("provision.json") + " and " + results.resolve("provision.md"));
    if (!errors.isEmpty()) {
      System.err.println();
      System.err.println(errors.size() + " request(s) failed:");
      errors.forEach(e -> System.err.println("  - " + e));
      return 1;
    }
    return 0;
  }

  // ---- Flowgate set-up ---------------------------------------------------------------------

  private void setUp() {
    String organization =
        created(
            "POST /api/v1/organizations",
            post("/api/v1/organizations", Map.of("name", "Bench " + runId)));
    team =
        created(
            "POST /api/v1/organizations/{org}/teams",
            post(
                "/api/v1/organizations/" + organization + "/teams",
                ordered("name", "Bench " + runId, "slug", "bench-" + runId)));
    application =
        created(
            "POST /api/v1/teams/{team}/applications",
            post("/api/v1/teams/" + team + "/applications", Map.of("name", "bench")));
    say("organization " + organization + ", team " + team + ", application " + application);
  }

  private static String created(String request, HttpResponse<String> response) {
    if (response.statusCode() != 201) {
      throw new Failure(request + " answered " + response.statusCode() + ": " + response.body());
    }
    return text(parseObject(response.body()), "id");
  }

  // ---- baseline: docker run ----------------------------------------------------------------

  /** docker run of the image as Flowgate runs it, timed until the editor answers. */
  private Baseline measureBaseline(String name) {
    int port = reservePort();
    String container = "fgbench-" + runId + "-" + name;
    List<String> command =
        List.of(
            "docker", "run", "-d",
            "--name", container,
            "--label", "io.flowgate.bench=" + runId,
            "--network", "host",
            "-e", "PORT=" + port,
            "-e", "NODE_RED_CREDENTIAL_SECRET=" + hex(32),
            "-e", "NODE_RED_ADMIN_USER=" + EDITOR_USER,
            "-e", "NODE_RED_ADMIN_PASSWORD_HASH=" + EDITOR_HASH,
            "--cpus", CPUS,
            "--memory", MEMORY,
            "--memory-swap", MEMORY,
            "-v", container + "-data:/data",
            image);
    URI editor = URI.create("http://localhost:" + port + "/");
    long deadline = System.nanoTime() + timeout.toNanos();
    long start = System.nanoTime();
    try {
      Process docker = new ProcessBuilder(command).redirectErrorStream(true).start();
      while (true) {
        if (!docker.isAlive() && docker.exitValue() != 0) {
          throw new Failure("docker run " + container + " exited " + docker.exitValue() + ": "
              + new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        if (editorAnswers(editor)) {
          long reached = System.nanoTime();
          docker.waitFor();
          return new Baseline(name, container, port, seconds(reached - start), null);
        }
        if (System.nanoTime() > deadline) {
          throw new Failure("baseline " + container + ": no editor at " + editor + " within "
              + timeout.toSeconds() + " s; docker logs: " + tail(dockerLogs(container)));
        }
        sleep(POLL);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      String message = e instanceof Failure ? e.getMessage() : "baseline " + container + ": " + e;
      errors.add(message);
      return new Baseline(name, container, port, Double.NaN, message);
    }
  }

  private void removeBaseline(Baseline baseline) {
    try {
      String rm = exec("docker", "rm", "-f", baseline.container());
      String volume = exec("docker", "volume", "rm", baseline.container() + "-data");
      if (rm == null || volume == null) {
        errors.add("could not remove baseline container " + baseline.container()
            + " or its volume (the run script removes what is left)");
      }
    } finally {
      baselinePorts.remove(baseline.port());
    }
  }

  private List<Baseline> concurrentBaselines(int count) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Baseline>> futures = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "c" + i;
      futures.add(threads.submit(() -> {
        go.await();
        return measureBaseline(name);
      }));
    }
    go.countDown();
    List<Baseline> all = new ArrayList<>();
    for (Future<Baseline> future : futures) {
      all.add(future.get());
    }
    return all;
  }

  /** The bcrypt hash given to the baseline is a real login: Node-RED grants a token for it. */
  private void checkEditorLogin(int port) {
    String form = "client_id=node-red-admin&grant_type=password&scope=*&username="
        + URLEncoder.encode(EDITOR_USER, StandardCharsets.UTF_8) + "&password="
        + URLEncoder.encode(EDITOR_PASSWORD, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> response = probeHttp.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/auth/token"))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200 || !response.body().contains("access_token")) {
        errors.add("baseline editor login as " + EDITOR_USER + " answered "
            + response.statusCode() + ": " + response.body());
      }
    } catch (IOException | InterruptedException e) {
      errors.add("baseline editor login: " + e);
    }
  }

  private synchronized int reservePort() {
    for (int port = BASELINE_PORT_FROM; port <= BASELINE_PORT_TO; port++) {
      if (!baselinePorts.contains(port) && nothingListensOn(port)) {
        baselinePorts.add(port);
        return port;
      }
    }
    throw new Failure("no free port in " + BASELINE_PORT_FROM + "-" + BASELINE_PORT_TO);
  }

  private static boolean nothingListensOn(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- Flowgate: POST /api/v1/instances ----------------------------------------------------

  /**
   * POST, then two pollers every 50 ms: the instance's state until it is running (its own GET, or
   * with {@code shared} the team's list, which one thread GETs for all instances), and (from when
   * it shows a url) that url until the editor answers.
   */
  private Provisioned provision(String name, ListPoller shared) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long start = System.nanoTime();
    HttpResponse<String> accepted;
    try {
      accepted = post("/api/v1/instances",
          ordered("team", team, "application", application, "name", name));
    } catch (RuntimeException e) {
      return failed(name, null, Double.NaN, "POST /api/v1/instances (" + name + "): " + e);
    }
    double postS = seconds(System.nanoTime() - start);
    if (accepted.statusCode() != 202) {
      return failed(name, null, postS, "POST /api/v1/instances (" + name + ") answered "
          + accepted.statusCode() + ": " + accepted.body());
    }
    String id = text(parseObject(accepted.body()), "id");
    CompletableFuture<String> url = new CompletableFuture<>();
    AtomicBoolean stop = new AtomicBoolean();
    Future<Long> editor = threads.submit(() -> {
      URI address = URI.create(url.get(Math.max(1, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS));
      while (!stop.get()) {
        if (editorAnswers(address)) {
          return System.nanoTime();
        }
        if (System.nanoTime() > deadline) {
          throw new Failure("no editor at " + address);
        }
        sleep(POLL);
      }
      throw new Failure("stopped");
    });
    try {
      long running;
      String state = "provisioning";
      long seen = 0;
      while (true) {
        Map<String, Object> instance;
        long observedAt;
        if (shared == null) {
          HttpResponse<String> response = get("/api/v1/instances/" + id);
          observedAt = System.nanoTime();
          if (response.statusCode() != 200) {
            throw new Failure("GET /api/v1/instances/" + id + " answered "
                + response.statusCode() + ": " + response.body());
          }
          instance = parseObject(response.body());
        } else {
          ListPoller.Observation observation = shared.next(seen, deadline);
          seen = observation.generation();
          observedAt = observation.at();
          instance = observation.instances().get(id);
          if (instance == null) {
            continue; // not in the list yet: wait for the next one
          }
        }
        if (instance.get("url") instanceof String address) {
          url.complete(address);
        }
        state = text(instance, "state");
        if ("running".equals(state)) {
          running = observedAt;
          break;
        }
        if ("failed".equals(state) || "crashed".equals(state)) {
          throw new Failure("instance " + id + " (" + name + ") is " + state + ": "
              + instance.get("stateReason") + instanceLogs(id));
        }
        if (System.nanoTime() > deadline) {
          throw new Failure("instance " + id + " (" + name + ") still " + state + " after "
              + timeout.toSeconds() + " s: " + instance + instanceLogs(id));
        }
        if (shared == null) {
          sleep(statePoll);
        }
      }
      long reached;
      try {
        reached = editor.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new Failure("instance " + id + " (" + name + ") is running but its editor did not"
            + " answer within " + timeout.toSeconds() + " s"
            + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()));
      }
      return new Provisioned(name, id, postS, seconds(reached - start), seconds(running - start),
          null);
    } catch (Failure e) {
      return failed(name, id, postS, e.getMessage());
    } catch (Exception e) {
      return failed(name, id, postS, "instance " + id + " (" + name + "): " + e);
    } finally {
      stop.set(true);
      editor.cancel(true);
    }
  }

  private Provisioned failed(String name, String id, double postS, String message) {
    errors.add(message);
    return new Provisioned(name, id, postS, Double.NaN, Double.NaN, message);
  }

  private String instanceLogs(String id) {
    try {
      HttpResponse<String> logs = get("/api/v1/instances/" + id + "/logs?lines=20");
      return logs.statusCode() == 200 && !logs.body().isBlank()
          ? "; container log: " + tail(logs.body())
          : "";
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * {@code count} POSTs at once. Their states are read from the team's list, one GET every 50 ms
   * for all of them: {@code count} pollers of their own, each GET costing the engine CPU for
   * authentication and the request, would load a small host more than provisioning does.
   */
  private List<Provisioned> concurrentInstances(int count) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Provisioned>> futures = new ArrayList<>();
    try (ListPoller shared = new ListPoller()) {
      for (int i = 1; i <= count; i++) {
        String name = "c" + i;
        futures.add(threads.submit(() -> {
          go.await();
          return provision(name, shared);
        }));
      }
      go.countDown();
      List<Provisioned> all = new ArrayList<>();
      for (Future<Provisioned> future : futures) {
        all.add(future.get());
      }
      return all;
    }
  }

  /** GETs {@code /api/v1/instances?team=} every 50 ms and hands each answer to whoever waits. */
  final class ListPoller implements AutoCloseable {

    /** One answer: the instances by id, and when it arrived ({@link System#nanoTime()}). */
    record Observation(long generation, Map<String, Map<String, Object>> instances, long at) {}

    private final AtomicBoolean closed = new AtomicBoolean();
    private Observation latest = new Observation(0, Map.of(), System.nanoTime());
    private String problem;

    ListPoller() {
      threads.submit(this::loop);
    }

    private void loop() {
      long generation = 0;
      while (!closed.get()) {
        try {
          HttpResponse<String> response = get("/api/v1/instances?team=" + team);
          long at = System.nanoTime();
          if (response.statusCode() != 200) {
            publish(null, "GET /api/v1/instances?team=" + team + " answered "
                + response.statusCode() + ": " + response.body());
          } else {
            Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
            for (Object item : (List<?>) new JsonReader(response.body()).value()) {
              @SuppressWarnings("unchecked")
              Map<String, Object> instance = (Map<String, Object>) item;
              byId.put(text(instance, "id"), instance);
            }
            publish(new Observation(++generation, byId, at), null);
          }
          sleep(statePoll);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          publish(null, "GET /api/v1/instances?team=" + team + ": " + e);
          try {
            sleep(statePoll);
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }

    private synchronized void publish(Observation observation, String failure) {
      if (observation != null) {
        latest = observation;
      }
      problem = failure;
      notifyAll();
    }

    /** The first answer after the one numbered {@code seen}; waits for it until the deadline. */
    synchronized Observation next(long seen, long deadline) throws InterruptedException {
      while (latest.generation() <= seen) {
        if (problem != null) {
          throw new Failure(problem);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || closed.get()) {
          throw new Failure("no answer to GET /api/v1/instances?team=" + team
              + " before the deadline");
        }
        wait(Math.min(left, 1000));
      }
      return latest;
    }

    @Override
    public void close() {
      closed.set(true);
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** DELETE, then GET until 404; the seconds that took, NaN when it failed. */
  private double deleteInstance(Provisioned instance) {
    if (instance.id() == null) {
      return Double.NaN;
    }
    String id = instance.id();
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    try {
      HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(api
          + "/api/v1/instances/" + id)).DELETE());
      if (response.statusCode() != 202) {
        errors.add("DELETE /api/v1/instances/" + id + " answered " + response.statusCode() + ": "
            + response.body());
        return Double.NaN;
      }
      String last = "";
      while (System.nanoTime() < deadline) {
        HttpResponse<String> state = get("/api/v1/instances/" + id);
        if (state.statusCode() == 404) {
          return seconds(System.nanoTime() - start);
        }
        last = state.statusCode() + ": " + state.body();
        sleep(POLL);
      }
      errors.add("DELETE /api/v1/instances/" + id + ": still there after " + timeout.toSeconds()
          + " s; last GET " + last);
    } catch (RuntimeException | InterruptedException e) {
      errors.add("DELETE /api/v1/instances/" + id + ": " + e);
    }
    return Double.NaN;
  }

  private void deleteAll(List<Provisioned> instances) throws Exception {
    List<Future<Double>> futures = new ArrayList<>();
    for (Provisioned instance : instances) {
      futures.add(threads.submit(() -> deleteInstance(instance)));
    }
    for (Future<Double> future : futures) {
      future.get();
    }
  }

  // ---- HTTP --------------------------------------------------------------------------------

  /** 200 with the Node-RED editor page; anything else (no answer yet, other page) is not yet. */
  private boolean editorAnswers(URI url) {
    try {
      HttpResponse<String> response = probeHttp.send(
          HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2))
              .header("Accept", "text/html").build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && (response.body().contains("<title>Node-RED</title>")
              || response.body().contains("red/red.min.js"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpResponse<String> post(String path, Map<String, ?> body) {
    return send(HttpRequest.newBuilder(URI.create(api + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(toJson(body, ""))));
  }

  private HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(api + path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    apiRequests.incrementAndGet();
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(60))
              .header("Authorization", authorization)
              .header("Accept", "application/json")
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure("Flowgate did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
  }

  // ---- results -----------------------------------------------------------------------------

  private Map<String, Object> document(
      String startedAt,
      String loadAtStart,
      List<Baseline> baselines,
      List<Provisioned> provisioned,
      List<Double> deletions,
      List<Baseline> burstBaselines,
      List<Provisioned> burst) {
    List<Double> baselineEditor = finite(baselines.stream().map(Baseline::editorS).toList());
    List<Double> flowgateEditor = finite(provisioned.stream().map(Provisioned::editorS).toList());
    List<Double> flowgateRunning = finite(provisioned.stream().map(Provisioned::runningS).toList());
    List<Double> post = finite(provisioned.stream().map(Provisioned::postS).toList());
    double ratio = median(flowgateEditor) / median(baselineEditor);
    double runningRatio = median(flowgateRunning) / median(baselineEditor);

    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("nproc", Runtime.getRuntime().availableProcessors());
    machine.put("memoryGiB", memoryGiB());
    machine.put("loadAverageAtStart", loadAtStart);
    machine.put("kernel", readFirstLine("/proc/sys/kernel/osrelease"));
    machine.put("docker", dockerVersion());
    machine.put("jdk", System.getProperty("java.vm.vendor") + " "
        + System.getProperty("java.runtime.version"));

    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("image", image);
    setup.put("rounds", rounds);
    setup.put("concurrent", concurrent);
    setup.put("editorPollMs", POLL.toMillis());
    setup.put("statePollMs", statePoll.toMillis());
    setup.put("settle", "before each timed measurement: sync, then until "
        + Math.round(QUIET_IDLE * 100)
        + "% of one second of CPU time was idle, at most " + ROUND_SETTLE.toSeconds() + " s ("
        + BURST_SETTLE.toSeconds() + " s before a burst)");
    setup.put("statePolling", "single rounds: GET /api/v1/instances/{id} every "
        + statePoll.toMillis() + " ms; concurrent round: one GET /api/v1/instances?team= every "
        + statePoll.toMillis() + " ms for all; editors: GET of the instance url every "
        + POLL.toMillis() + " ms each");
    setup.put("baseline", "docker run -d --network host --cpus " + CPUS + " --memory " + MEMORY
        + " --memory-swap " + MEMORY + " -v <name>-data:/data -e PORT -e NODE_RED_CREDENTIAL_SECRET"
        + " -e NODE_RED_ADMIN_USER -e NODE_RED_ADMIN_PASSWORD_HASH " + image);
    setup.put("engineCommit", System.getenv().getOrDefault("BENCH_ENGINE_COMMIT", "unknown"));
    setup.put("engineJarBuilt", System.getenv().getOrDefault("BENCH_ENGINE_JAR_BUILT", "unknown"));
    String startup = System.getenv("BENCH_ENGINE_STARTUP_S");
    if (startup != null && !startup.isBlank()) {
      setup.put("engineStartupS", Double.parseDouble(startup));
    }

    Map<String, Object> single = new LinkedHashMap<>();
    single.put("baselineEditorS", stats(baselineEditor));
    single.put("flowgateEditorS", stats(flowgateEditor));
    single.put("flowgateRunningS", stats(flowgateRunning));
    single.put("flowgatePostAnswerS", stats(post));
    single.put("flowgateDeleteS", stats(deletions));
    single.put("engineCpuPerFlowgateRoundS", stats(finite(roundEngineCpu)));
    single.put("benchApiRequestsPerFlowgateRound", stats(roundRequests));
    single.put("ratioEditor", round3(ratio));
    single.put("ratioRunning", round3(runningRatio));
    single.put("target", "ratioEditor <= " + TARGET_RATIO);
    single.put("targetMet", ratio <= TARGET_RATIO);
    List<Object> perRound = new ArrayList<>();
    for (int i = 0; i < provisioned.size(); i++) {
      perRound.add(ordered(
          "round", i + 1,
          "baselineEditorS", round3(baselines.get(i).editorS()),
          "flowgateEditorS", round3(provisioned.get(i).editorS()),
          "flowgateRunningS", round3(provisioned.get(i).runningS())));
    }
    single.put("rounds", perRound);

    Map<String, Object> document = new LinkedHashMap<>();
    document.put("benchmark", "provision");
    document.put("date", startedAt);
    document.put("machine", machine);
    document.put("setup", setup);
    document.put("singleInstance", single);
    if (concurrent > 0) {
      List<Double> burstEditor = burst.stream().map(Provisioned::editorS).toList();
      List<Double> burstRunning = burst.stream().map(Provisioned::runningS).toList();
      List<Double> burstBaseline = burstBaselines.stream().map(Baseline::editorS).toList();
      long reached = burst.stream().filter(p -> p.error() == null).count();
      long baselineReached = burstBaselines.stream().filter(b -> b.error() == null).count();
      Map<String, Object> together = new LinkedHashMap<>();
      together.put("count", concurrent);
      together.put("flowgateSucceeded", reached);
      together.put("baselineSucceeded", baselineReached);
      together.put("allSucceeded", reached == concurrent && baselineReached == concurrent);
      together.put("flowgateEditorS", burstEditor.stream().map(ProvisionBench::round3).toList());
      together.put("flowgateRunningS", burstRunning.stream().map(ProvisionBench::round3).toList());
      together.put("baselineEditorS", burstBaseline.stream().map(ProvisionBench::round3).toList());
      together.put("flowgateEditorMaxS", round3(max(burstEditor)));
      together.put("flowgateRunningMaxS", round3(max(burstRunning)));
      together.put("baselineEditorMaxS", round3(max(burstBaseline)));
      together.put("ratioEditorMax", round3(max(burstEditor) / max(burstBaseline)));
      together.put("engineCpuS", round3(burstEngineCpu));
      together.put("benchApiRequests", burstRequests);
      together.put("target", "all " + concurrent + " reach running and a reachable editor");
      document.put("concurrent", together);
    }
    document.put("errors", new ArrayList<>(errors));
    return document;
  }

  private String table(
      Map<String, Object> document,
      List<Baseline> baselines,
      List<Provisioned> provisioned,
      List<Baseline> burstBaselines,
      List<Provisioned> burst) {
    @SuppressWarnings("unchecked")
    Map<String, Object> single = (Map<String, Object>) document.get("singleInstance");
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "Single instance, %d rounds (seconds; state polled every %d ms, editor every %d ms)%n%n",
        rounds, statePoll.toMillis(), POLL.toMillis()));
    out.append(String.format(Locale.ROOT, "| %-38s | %3s | %7s | %7s | %7s |%n",
        "measure", "n", "median", "min", "max"));
    out.append("|").append("-".repeat(40)).append("|----:|--------:|--------:|--------:|\n");
    row(out, "baseline: docker run -> editor", single.get("baselineEditorS"));
    row(out, "Flowgate: POST -> editor", single.get("flowgateEditorS"));
    row(out, "Flowgate: POST -> state running", single.get("flowgateRunningS"));
    row(out, "Flowgate: POST -> 202 answer", single.get("flowgatePostAnswerS"));
    row(out, "Flowgate: DELETE -> GET 404", single.get("flowgateDeleteS"));
    row(out, "engine CPU seconds in a Flowgate round", single.get("engineCpuPerFlowgateRoundS"));
    countRow(out, "bench API requests in a Flowgate round",
        single.get("benchApiRequestsPerFlowgateRound"));
    out.append(String.format(Locale.ROOT,
        "%nratio (median Flowgate POST -> editor / median baseline): %s  (target <= %.2f: %s)%n",
        fmt((Double) single.get("ratioEditor")), TARGET_RATIO,
        Boolean.TRUE.equals(single.get("targetMet")) ? "met" : "NOT met"));
    out.append(String.format(Locale.ROOT,
        "%nratio (median Flowgate POST -> running / median baseline): %s%n",
        fmt((Double) single.get("ratioRunning"))));

    out.append(String.format(Locale.ROOT, "%nPer round (seconds)%n%n"));
    out.append("| round | baseline -> editor | Flowgate -> editor | Flowgate -> running |\n");
    out.append("|------:|-------------------:|-------------------:|--------------------:|\n");
    for (int i = 0; i < provisioned.size(); i++) {
      out.append(String.format(Locale.ROOT, "| %5d | %18s | %18s | %19s |%n", i + 1,
          fmt(baselines.get(i).editorS()), fmt(provisioned.get(i).editorS()),
          fmt(provisioned.get(i).runningS())));
    }

    if (concurrent > 0) {
      @SuppressWarnings("unchecked")
      Map<String, Object> together = (Map<String, Object>) document.get("concurrent");
      out.append(String.format(Locale.ROOT,
          "%n%d at once (seconds, each from its own request;"
              + " states from one list GET every %d ms)%n%n",
          concurrent, statePoll.toMillis()));
      out.append("|   # | Flowgate POST -> editor | Flowgate POST -> running |"
          + " baseline docker run -> editor |\n");
      out.append("|----:|------------------------:|-------------------------:|"
          + "------------------------------:|\n");
      for (int i = 0; i < concurrent; i++) {
        out.append(String.format(Locale.ROOT, "| %3d | %23s | %24s | %29s |%n", i + 1,
            fmt(burst.get(i).editorS()), fmt(burst.get(i).runningS()),
            fmt(burstBaselines.get(i).editorS())));
      }
      out.append(String.format(Locale.ROOT, "| max | %23s | %24s | %29s |%n",
          fmt((Double) together.get("flowgateEditorMaxS")),
          fmt((Double) together.get("flowgateRunningMaxS")),
          fmt((Double) together.get("baselineEditorMaxS"))));
      out.append(String.format(Locale.ROOT,
          "%nFlowgate: %d/%d reached running with a reachable editor; baseline: %d/%d;"
              + " ratio of maxima (editor): %s%n",
          together.get("flowgateSucceeded"), concurrent, together.get("baselineSucceeded"),
          concurrent, fmt((Double) together.get("ratioEditorMax"))));
      out.append(String.format(Locale.ROOT,
          "%nengine CPU during the Flowgate burst: %s s, while answering %d API requests of the"
              + " bench%n",
          fmt((Double) together.get("engineCpuS")), together.get("benchApiRequests")));
    }
    if (!errors.isEmpty()) {
      out.append(String.format(Locale.ROOT, "%n%d request(s) failed (see errors)%n",
          errors.size()));
    }
    return out.toString();
  }

  private String markdown(Map<String, Object> document, String table) {
    @SuppressWarnings("unchecked")
    Map<String, Object> machine = (Map<String, Object>) document.get("machine");
    @SuppressWarnings("unchecked")
    Map<String, Object> setup = (Map<String, Object>) document.get("setup");
    StringBuilder md = new StringBuilder("# Provisioning benchmark\n\n");
    md.append("- date: ").append(document.get("date")).append('\n');
    md.append("- machine: ").append(machine.get("nproc")).append(" CPUs, ")
        .append(machine.get("memoryGiB")).append(" GiB memory, load average at start ")
        .append(machine.get("loadAverageAtStart")).append(", kernel ")
        .append(machine.get("kernel")).append('\n');
    md.append("- Docker ").append(machine.get("docker")).append(", JDK ")
        .append(machine.get("jdk")).append('\n');
    md.append("- image ").append(setup.get("image")).append(", engine commit ")
        .append(setup.get("engineCommit")).append(" (jar built ")
        .append(setup.get("engineJarBuilt")).append(")");
    if (setup.containsKey("engineStartupS")) {
      md.append(", engine start to health UP ").append(setup.get("engineStartupS")).append(" s");
    }
    md.append("\n\n").append(table.replaceAll("(?m)^(Single instance|Per round|\\d+ at once)",
        "### $1"));
    @SuppressWarnings("unchecked")
    List<String> failures = (List<String>) document.get("errors");
    if (!failures.isEmpty()) {
      md.append("\n### Errors\n\n");
      failures.forEach(e -> md.append("- ").append(e.replace('\n', ' ')).append('\n'));
    }
    return md.toString();
  }

  private static void row(StringBuilder out, String label, Object statsObject) {
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) statsObject;
    out.append(String.format(Locale.ROOT, "| %-38s | %3s | %7s | %7s | %7s |%n", label,
        stats.get("n"), fmt((Double) stats.get("median")), fmt((Double) stats.get("min")),
        fmt((Double) stats.get("max"))));
  }

  private static void countRow(StringBuilder out, String label, Object statsObject) {
    @SuppressWarnings("unchecked")
    Map<String, Object> stats = (Map<String, Object>) statsObject;
    out.append(String.format(Locale.ROOT, "| %-38s | %3s | %7.0f | %7.0f | %7.0f |%n", label,
        stats.get("n"), (Double) stats.get("median"), (Double) stats.get("min"),
        (Double) stats.get("max")));
  }

  private static Map<String, Object> stats(List<Double> values) {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("n", values.size());
    stats.put("median", round3(median(values)));
    stats.put("min", round3(values.stream().mapToDouble(d -> d).min().orElse(Double.NaN)));
    stats.put("max", round3(max(values)));
    stats.put("values", values.stream().map(ProvisionBench::round3).toList());
    return stats;
  }

  private static List<Double> finite(List<Double> values) {
    return values.stream().filter(Double::isFinite).toList();
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** The largest value; NaN when any is NaN (a failed request has no time). */
  private static double max(List<Double> values) {
    if (values.isEmpty() || values.stream().anyMatch(d -> !Double.isFinite(d))) {
      return Double.NaN;
    }
    return values.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
  }

  private static Double round3(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
  }

  private static String fmt(Double value) {
    return value == null || !Double.isFinite(value)
        ? "failed"
        : String.format(Locale.ROOT, "%.3f", value);
  }

  private void report(String label, Baseline baseline) {
    say(label + " " + baseline.name() + ": "
        + (baseline.error() == null ? fmt(baseline.editorS()) + " s to editor" : "FAILED"));
  }

  private void report(String label, Provisioned instance) {
    say(label + " " + instance.name() + ": " + (instance.error() == null
        ? fmt(instance.editorS()) + " s to editor, " + fmt(instance.runningS()) + " s to running"
        : "FAILED"));
  }

  // ---- machine -----------------------------------------------------------------------------

  /**
   * Writes dirty pages out ({@code sync}), then waits until at least {@link #QUIET_IDLE} of the
   * CPU time of one second was idle (I/O wait does not count as idle), at most {@code longest}.
   */
  private void settle(Duration longest) throws InterruptedException {
    long deadline = System.nanoTime() + longest.toNanos();
    exec("sync");
    long[] before = cpuTimes();
    while (before != null && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long[] after = cpuTimes();
      if (after == null) {
        return;
      }
      long total = after[0] - before[0];
      double idle = total <= 0 ? 1 : (after[1] - before[1]) / (double) total;
      if (idle >= QUIET_IDLE) {
        return;
      }
      before = after;
    }
    if (before != null) {
      say("  (the host stayed busy for " + longest.toSeconds() + " s; measuring anyway)");
    }
  }

  /** Total and idle jiffies of all CPUs from /proc/stat; null where there is none. */
  private static long[] cpuTimes() {
    String line = readFirstLine("/proc/stat");
    if (!line.startsWith("cpu ")) {
      return null;
    }
    String[] fields = line.substring(4).trim().split("\\s+");
    long total = 0;
    for (int i = 0; i < Math.min(fields.length, 8); i++) {
      total += Long.parseLong(fields[i]); // user nice system idle iowait irq softirq steal
    }
    return new long[] {total, Long.parseLong(fields[3])};
  }

  /** CPU seconds the engine process has used so far (user + system); NaN when unknown. */
  private double engineCpuS() {
    if (enginePid <= 0) {
      return Double.NaN;
    }
    String stat = readFirstLine("/proc/" + enginePid + "/stat");
    int end = stat.lastIndexOf(')');
    if (end < 0) {
      return Double.NaN;
    }
    String[] fields = stat.substring(end + 2).split(" ");
    // after the name: state is field 3 of the man page, utime 14 and stime 15; clock ticks: 1/100 s
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  private static Double memoryGiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("\\D", ""));
          return Math.round(kib / 1024.0 / 1024.0 * 10) / 10.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return null;
  }

  private static String dockerVersion() {
    String version = exec("docker", "version", "--format", "{{.Server.Version}}");
    return version == null ? "unknown" : version.strip();
  }

  private static String readFirstLine(String file) {
    try {
      return Files.readAllLines(Path.of(file)).get(0).strip();
    } catch (IOException | IndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  private static String dockerLogs(String container) {
    String logs = exec("docker", "logs", "--tail", "20", container);
    return logs == null ? "(none)" : logs;
  }

  /** Runs a command; its output, or null when it failed. */
  private static String exec(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor() == 0 ? output : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  // ---- small helpers -----------------------------------------------------------------------

  private static String tail(String text) {
    String[] lines = text.strip().split("\\R");
    return String.join(" | ",
        List.of(lines).subList(Math.max(0, lines.length - 8), lines.length));
  }

  private String hex(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void sleep(Duration duration) throws InterruptedException {
    Thread.sleep(duration);
  }

  private static void say(String message) {
    System.err.println(java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        + " bench: " + message);
  }

  /** A map keeping the order of its keys: name, value, name, value, ... */
  private static Map<String, Object> ordered(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  // ---- tiny JSON ---------------------------------------------------------------------------

  private static String text(Map<String, Object> object, String field) {
    if (object.get(field) instanceof String value) {
      return value;
    }
    throw new Failure("no text field '" + field + "' in " + object);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String json) {
    JsonReader reader = new JsonReader(json);
    Object value = reader.value();
    if (!(value instanceof Map)) {
      throw new Failure("not a JSON object: " + json);
    }
    return (Map<String, Object>) value;
  }

  /** Reads JSON into maps, lists, strings, doubles, booleans and null. */
  static final class JsonReader {
    private final String in;
    private int at;

    JsonReader(String in) {
      this.in = in;
    }

    Object value() {
      skipSpace();
      if (at >= in.length()) {
        throw new Failure("JSON ends early");
      }
      char c = in.charAt(at);
      switch (c) {
        case '{' -> {
          Map<String, Object> object = new LinkedHashMap<>();
          at++;
          skipSpace();
          if (peek() == '}') {
            at++;
            return object;
          }
          while (true) {
            skipSpace();
            String name = string();
            skipSpace();
            expect(':');
            object.put(name, value());
            skipSpace();
            if (peek() == ',') {
              at++;
            } else {
              expect('}');
              return object;
            }
          }
        }
        case '[' -> {
          List<Object> list = new ArrayList<>();
          at++;
          skipSpace();
          if (peek() == ']') {
            at++;
            return list;
          }
          while (true) {
            list.add(value());
            skipSpace();
            if (peek() == ',') {
              at++;
            } else {
              expect(']');
              return list;
            }
          }
        }
        case '"' -> {
          return string();
        }
        default -> {
          for (String literal : List.of("true", "false", "null")) {
            if (in.startsWith(literal, at)) {
              at += literal.length();
              return literal.equals("null") ? null : Boolean.valueOf(literal);
            }
          }
          int start = at;
          while (at < in.length() && "+-0123456789.eE".indexOf(in.charAt(at)) >= 0) {
            at++;
          }
          if (start == at) {
            throw new Failure("unexpected '" + c + "' at " + at + " in JSON: " + in);
          }
          return Double.parseDouble(in.substring(start, at));
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = in.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char escaped = in.charAt(at++);
        switch (escaped) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(in.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(escaped);
        }
      }
    }

    private char peek() {
      return at < in.length() ? in.charAt(at) : '\0';
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new Failure("expected '" + c + "' at " + at + " in JSON: " + in);
      }
      at++;
    }

    private void skipSpace() {
      while (at < in.length() && Character.isWhitespace(in.charAt(at))) {
        at++;
      }
    }
  }

  static String toJson(Object value, String indent) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : text.toCharArray()) {
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
    if (value instanceof Double number) {
      return Double.isFinite(number) ? number.toString() : "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    String inner = indent + "  ";
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        return "{}";
      }
      List<String> fields = new ArrayList<>();
      map.forEach((k, v) -> fields.add(inner + toJson(k.toString(), "") + ": " + toJson(v, inner)));
      return "{\n" + String.join(",\n", fields) + "\n" + indent + "}";
    }
    if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        return "[]";
      }
      boolean simple = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
      if (simple) {
        return "[" + String.join(", ", list.stream().map(v -> toJson(v, "")).toList()) + "]";
      }
      List<String> items = new ArrayList<>();
      list.forEach(v -> items.add(inner + toJson(v, inner)));
      return "[\n" + String.join(",\n", items) + "\n" + indent + "]";
    }
    throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
  }
}
