import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measuring half of {@code bench/memory/run}: the resident memory of a running Flowgate when
 * idle and after it holds 10,000 heartbeating devices, 50 Node-RED instances and 100 finished
 * promotions. JDK only; {@code java MemoryBench.java}.
 *
 * <p>Arguments: {@code --api URL --results DIR --engine-pid PID --data DIR --devices FILE --team
 * ID --application ID --promotion-bench FILE [--instances N] [--promotions N]
 * [--promotion-concurrency N] [--idle S] [--settle S] [--windows N] [--window S]
 * [--heartbeat-interval S] [--postmaster PID]}. Environment: {@code BENCH_ADMIN_PASSWORD};
 * optionally {@code BENCH_ENGINE_COMMIT}, {@code BENCH_ENGINE_STARTUP_S}, {@code BENCH_NOTE},
 * {@code BENCH_PSQL} (a command line that runs psql against the engine's database).
 *
 * <p>Exit code 0: every request succeeded and every check held; 1: something failed; 2: wrong
 * arguments.
 */
public class MemoryBench {

  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  record Response(int status, String body) {}

  /** One sampling window: mean, max VmRSS (MiB), VmHWM at its end, other processes' RSS. */
  record Window(double rssMeanMiB, double rssMaxMiB, double hwmMiB, double postgresMiB,
      double nodeRedMiB, int nodeRedProcesses) {}

  record Device(String id, String token) {}

  private final Map<String, String> options;
  private final String api;
  private final Path results;
  private final long enginePid;
  private final long postmaster;
  private final Path data;
  private final String team;
  private final String application;
  private final int instances;
  private final int promotions;
  private final int promotionConcurrency;
  private final Duration idle;
  private final Duration settle;
  private final int windows;
  private final Duration window;
  private final Duration heartbeatInterval;
  private final String adminAuth;
  private final String adminPassword;
  private final List<Device> devices = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong heartbeats = new AtomicLong();
  private final AtomicLong heartbeatErrors = new AtomicLong();
  private final AtomicBoolean trickling = new AtomicBoolean(true);
  private final Map<String, Object> timings = new LinkedHashMap<>();

  MemoryBench(Map<String, String> options, String adminPassword) throws IOException {
    this.options = options;
    this.api = options.get("api").replaceAll("/+$", "");
    this.results = Path.of(options.getOrDefault("results", "."));
    this.enginePid = Long.parseLong(options.get("engine-pid"));
    this.postmaster = Long.parseLong(options.getOrDefault("postmaster", "0"));
    this.data = Path.of(options.get("data"));
    this.team = options.get("team");
    this.application = options.get("application");
    this.instances = Integer.parseInt(options.getOrDefault("instances", "50"));
    this.promotions = Integer.parseInt(options.getOrDefault("promotions", "100"));
    this.promotionConcurrency =
        Integer.parseInt(options.getOrDefault("promotion-concurrency", "8"));
    this.idle = Duration.ofSeconds(Long.parseLong(options.getOrDefault("idle", "30")));
    this.settle = Duration.ofSeconds(Long.parseLong(options.getOrDefault("settle", "30")));
    this.windows = Integer.parseInt(options.getOrDefault("windows", "3"));
    this.window = Duration.ofSeconds(Long.parseLong(options.getOrDefault("window", "10")));
    this.heartbeatInterval =
        Duration.ofSeconds(Long.parseLong(options.getOrDefault("heartbeat-interval", "30")));
    this.adminPassword = adminPassword;
    this.adminAuth = "Basic " + Base64.getEncoder()
        .encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
    for (String line : options.containsKey("devices")
        ? Files.readAllLines(Path.of(options.get("devices"))) : List.<String>of()) {
      String[] parts = line.trim().split(" ");
      if (parts.length == 2) {
        devices.add(new Device(parts[0], parts[1]));
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        System.err.println("usage: see the class comment of MemoryBench.java");
        System.exit(2);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String password = System.getenv("BENCH_ADMIN_PASSWORD");
    List<String> needed = "idle".equals(options.get("phase"))
        ? List.of("api", "engine-pid", "data", "state")
        : List.of("api", "results", "engine-pid", "data", "devices", "team", "application",
            "promotion-bench", "state");
    for (String required : needed) {
      if (!options.containsKey(required)) {
        System.err.println("--" + required + " is required");
        System.exit(2);
      }
    }
    if (password == null || password.isEmpty()) {
      System.err.println("BENCH_ADMIN_PASSWORD is required");
      System.exit(2);
    }
    try {
      System.exit(new MemoryBench(options, password).run());
    } catch (Failure e) {
      say("failed: " + e.getMessage());
      System.exit(1);
    }
  }

  int run() throws Exception {
    Path state = Path.of(options.get("state"));
    if ("idle".equals(options.get("phase"))) {
      // the engine as started: nothing asked of it yet but its health
      String startedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
          .format(DateTimeFormatter.ISO_INSTANT);
      String loadAtStart = readFirstLine("/proc/loadavg");
      say("idle: " + idle.toSeconds() + " s, then " + windows + " windows of "
          + window.toSeconds() + " s");
      Thread.sleep(idle.toMillis());
      List<Window> idleWindows = sample("idle");
      Map<String, Object> idleHeap = heapAfterGc();
      say("idle heap after GC.run: " + idleHeap);
      Files.writeString(state, toJson(ordered("startedAt", startedAt, "loadAtStart", loadAtStart,
          "startedNanos", Long.toString(System.nanoTime()), "windows", windowsJson(idleWindows),
          "heapAfterGc", idleHeap), ""));
      return 0;
    }
    Map<String, Object> idleState = parseObject(Files.readString(state));
    String startedAt = (String) idleState.get("startedAt");
    String loadAtStart = (String) idleState.get("loadAtStart");
    long began = System.nanoTime();
    List<Window> idleWindows = new ArrayList<>();
    for (Object item : (List<?>) idleState.get("windows")) {
      Map<?, ?> w = (Map<?, ?>) item;
      idleWindows.add(new Window(num(w.get("rssMeanMiB")), num(w.get("rssMaxMiB")),
          num(w.get("vmHwmMiB")), num(w.get("postgresPssMiB")), num(w.get("nodeRedPssMiB")),
          (int) num(w.get("nodeRedProcesses"))));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> idleHeap = (Map<String, Object>) idleState.get("heapAfterGc");

    // ---- load: promotions (their own team, a dev and prod instances), the other instances, and
    // 10,000 devices heartbeating, side by side
    long loadStart = System.nanoTime();
    Path summary = Files.createTempFile("flowgate-bench-promotions", ".json");
    Process promotionLoad = startPromotions(summary);
    int promotionInstances = 1 + promotionConcurrency;
    int others = Math.max(0, instances - promotionInstances);
    List<String> created = createInstances(others);
    ExecutorService heartbeatThreads = Executors.newFixedThreadPool(8);
    long firstPass = System.nanoTime();
    heartbeatAll(heartbeatThreads);
    double firstPassS = seconds(System.nanoTime() - firstPass);
    say(String.format(Locale.ROOT, "every device heartbeated once: %d in %.1f s (%d errors)",
        devices.size(), firstPassS, heartbeatErrors.get()));
    timings.put("firstHeartbeatOfEveryDeviceS", round3(firstPassS));
    Thread trickle = Thread.ofPlatform().daemon().start(() -> trickle(heartbeatThreads));
    awaitRunning(created);
    timings.put("instancesRunningS", round3(seconds(System.nanoTime() - loadStart)));
    say("waiting for the promotions to finish");
    int promotionExit = promotionLoad.waitFor();
    timings.put("promotionsFinishedS", round3(seconds(System.nanoTime() - loadStart)));
    Map<String, Object> promotionSummary = Files.exists(summary) && Files.size(summary) > 0
        ? parseObject(Files.readString(summary)) : Map.of();
    Files.deleteIfExists(summary);
    if (promotionExit != 0) {
      errors.add("the promotion load exited with " + promotionExit + ": "
          + promotionSummary.get("errors"));
    }
    timings.put("loadS", round3(seconds(System.nanoTime() - loadStart)));

    // ---- loaded: settle, then the same windows
    int runningInstances = countRunning();
    say("loaded: " + runningInstances + " instances running; settling " + settle.toSeconds()
        + " s with heartbeats every " + heartbeatInterval.toSeconds() + " s per device");
    Thread.sleep(settle.toMillis());
    List<Window> loadedWindows = sample("loaded");
    Map<String, Object> loadedHeap = heapAfterGc();
    say("loaded heap after GC.run: " + loadedHeap);
    trickling.set(false);
    trickle.join(5000);
    heartbeatThreads.shutdownNow();
    Object seen = devicesSeen();
    if (heartbeatErrors.get() > 0) {
      errors.add(heartbeatErrors.get() + " heartbeats failed");
    }
    if (runningInstances < instances) {
      errors.add("only " + runningInstances + " of " + instances + " instances running");
    }
    Object completed = promotionSummary.get("completed");
    if (!(completed instanceof Number n) || n.intValue() != promotions) {
      errors.add("promotions completed: " + completed + " of " + promotions);
    }
    write(startedAt, loadAtStart, idleWindows, loadedWindows, idleHeap, loadedHeap,
        promotionSummary, runningInstances, seen, seconds(System.nanoTime() - began));
    if (!errors.isEmpty()) {
      say(errors.size() + " error(s); the first: " + errors.get(0));
      return 1;
    }
    return 0;
  }

  // ---- load --------------------------------------------------------------------------------------

  private Process startPromotions(Path summary) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = List.of(java, options.get("promotion-bench"), "--api", api,
        "--mode", "load", "--promotions", Integer.toString(promotions), "--concurrency",
        Integer.toString(promotionConcurrency), "--summary", summary.toString(), "--poll-ms",
        "250");
    say("promotions: " + promotions + " at concurrency " + promotionConcurrency + " ("
        + (1 + promotionConcurrency) + " instances of their own), started alongside");
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put("BENCH_ADMIN_PASSWORD", adminPassword);
    return builder.start();
  }

  private List<String> createInstances(int count) throws Exception {
    say("creating " + count + " more instances in the devices' team");
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Response response = send("POST", "/api/v1/instances", adminAuth,
          "{\"team\":\"" + team + "\",\"application\":\"" + application + "\",\"name\":\"mem-"
              + i + "\"}");
      if (response.status() != 202) {
        throw new Failure("POST instances: " + response.status() + " " + response.body());
      }
      ids.add(text(parseObject(response.body()), "id"));
    }
    return ids;
  }

  private void awaitRunning(List<String> ids) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (true) {
      int running = 0;
      for (String id : ids) {
        Map<String, Object> json = parseObject(send("GET", "/api/v1/instances/" + id, adminAuth,
            null).body());
        Object state = json.get("state");
        if ("running".equals(state) && json.get("operation") == null) {
          running++;
        } else if ("failed".equals(state) || "crashed".equals(state)) {
          throw new Failure("instance " + id + " is " + state + ": " + json.get("stateReason"));
        }
      }
      if (running == ids.size()) {
        say(running + " instances running");
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new Failure(running + " of " + ids.size() + " instances running after 10 min");
      }
      Thread.sleep(2000);
    }
  }

  private int countRunning() throws Exception {
    int running = 0;
    for (String t : List.of(team)) {
      Object list = new JsonReader(send("GET", "/api/v1/instances?team=" + t, adminAuth, null)
          .body()).value();
      for (Object item : list instanceof List<?> l ? l : List.of()) {
        if (item instanceof Map<?, ?> m && "running".equals(m.get("state"))) {
          running++;
        }
      }
    }
    // the promotion load's team: its dev and prod instances were running when it verified them
    return running + 1 + promotionConcurrency;
  }

  /** Every device once, as fast as 8 threads go. */
  private void heartbeatAll(ExecutorService threads) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      workers.add(threads.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < devices.size()) {
          heartbeat(devices.get(i));
        }
      }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
  }

  /** Every device again each heartbeat interval, spread evenly over it. */
  private void trickle(ExecutorService threads) {
    long gapNanos = heartbeatInterval.toNanos() / Math.max(1, devices.size());
    long next = System.nanoTime();
    int i = 0;
    while (trickling.get()) {
      Device device = devices.get(i++ % devices.size());
      threads.submit(() -> heartbeat(device));
      next += gapNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
  }

  private void heartbeat(Device device) {
    String body = "{\"ownerType\":\"application\",\"application\":\"" + application
        + "\",\"snapshot\":null,\"settings\":null,\"state\":\"running\",\"mode\":\"autonomous\","
        + "\"health\":{\"uptime\":60,\"snapshotRestartCount\":0},\"agentVersion\":\"3.3.0\"}";
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
              URI.create(api + "/api/v1/devices/" + device.id() + "/live/state"))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + device.token())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      heartbeats.incrementAndGet();
      if (response.statusCode() != 200) {
        if (heartbeatErrors.incrementAndGet() <= 3) {
          errors.add("heartbeat of " + device.id() + ": " + response.statusCode() + " "
              + response.body());
        }
      }
    } catch (IOException | InterruptedException e) {
      if (heartbeatErrors.incrementAndGet() <= 3) {
        errors.add("heartbeat of " + device.id() + ": " + e);
      }
    }
  }

  /** Devices whose heartbeat reached the database (written behind once a second). */
  private Object devicesSeen() {
    String psql = System.getenv("BENCH_PSQL");
    if (psql == null || psql.isBlank()) {
      return null;
    }
    try {
      List<String> command = new ArrayList<>(List.of(psql.split(" ")));
      command.addAll(List.of("-At", "-c", "select count(*) from flowgate.device where team_id = '"
          + team + "' and last_seen_at is not null"));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes()).trim();
      process.waitFor();
      return out.matches("\\d+") ? Integer.parseInt(out) : out;
    } catch (IOException | InterruptedException e) {
      return e.toString();
    }
  }

  // ---- memory ------------------------------------------------------------------------------------

  /** {@link #windows} windows of {@link #window}, VmRSS sampled every 500 ms. */
  private List<Window> sample(String phase) throws Exception {
    List<Window> out = new ArrayList<>();
    for (int w = 1; w <= windows; w++) {
      double sum = 0;
      double max = 0;
      int n = 0;
      long end = System.nanoTime() + window.toNanos();
      while (System.nanoTime() < end) {
        double rss = statusKiB(enginePid, "VmRSS") / 1024.0;
        if (rss > 0) {
          sum += rss;
          max = Math.max(max, rss);
          n++;
        }
        Thread.sleep(500);
      }
      if (n == 0) {
        throw new Failure("the engine (pid " + enginePid + ") is gone");
      }
      double[] nodeRed = nodeRedMiB();
      Window result = new Window(sum / n, max, statusKiB(enginePid, "VmHWM") / 1024.0,
          postgresMiB(), nodeRed[0], (int) nodeRed[1]);
      out.add(result);
      say(String.format(Locale.ROOT, "%s window %d/%d: engine RSS mean %.0f MiB, max %.0f MiB,"
              + " HWM %.0f MiB; PostgreSQL Pss %.0f MiB; %d Node-RED processes Pss %.0f MiB", phase, w,
          windows, result.rssMeanMiB(), result.rssMaxMiB(), result.hwmMiB(),
          result.postgresMiB(), result.nodeRedProcesses(), result.nodeRedMiB()));
    }
    return out;
  }

  /** {@code jcmd <pid> GC.run}, then the heap's use from {@code GC.heap_info}. */
  private Map<String, Object> heapAfterGc() {
    String jcmd = jcmd();
    if (jcmd == null) {
      return Map.of("error", "no jcmd");
    }
    try {
      exec(jcmd, Long.toString(enginePid), "GC.run");
      String info = exec(jcmd, Long.toString(enginePid), "GC.heap_info");
      Matcher m = Pattern.compile("total reserved (\\d+)K, committed (\\d+)K, used (\\d+)K")
          .matcher(info);
      if (!m.find()) {
        return Map.of("error", "no heap line in: " + info);
      }
      return ordered("usedMiB", round3(Long.parseLong(m.group(3)) / 1024.0),
          "committedMiB", round3(Long.parseLong(m.group(2)) / 1024.0),
          "reservedMiB", round3(Long.parseLong(m.group(1)) / 1024.0),
          "rssAfterGcMiB", round3(statusKiB(enginePid, "VmRSS") / 1024.0));
    } catch (IOException | InterruptedException e) {
      return Map.of("error", e.toString());
    }
  }

  private static String jcmd() {
    String home = System.getProperty("java.home");
    for (Path candidate : List.of(Path.of(home, "bin", "jcmd"), Path.of("/usr/bin/jcmd"))) {
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return out;
  }

  /** A field of /proc/<pid>/status in KiB; 0 when the process is gone. */
  static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  /**
   * Proportional set size (Pss of /proc/<pid>/smaps_rollup) in KiB: shared pages (PostgreSQL's
   * shared buffers, Node.js' code) counted once over the processes that share them, unlike RSS.
   */
  static long pssKiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return 0;
  }

  /** The embedded PostgreSQL: the postmaster and its children (Pss). */
  private double postgresMiB() {
    if (postmaster <= 0) {
      return Double.NaN;
    }
    long kib = pssKiB(postmaster);
    kib += ProcessHandle.of(postmaster).map(p -> p.children()
        .mapToLong(c -> pssKiB(c.pid())).sum()).orElse(0L);
    return kib / 1024.0;
  }

  /** Node-RED processes of the local runtime (their pid files) and their children (Pss). */
  private double[] nodeRedMiB() {
    long kib = 0;
    int count = 0;
    try (var files = Files.find(data, 6, (p, a) -> p.getFileName().toString().equals("pid")
        && p.getParent().getParent() != null
        && p.getParent().getParent().getFileName().toString().equals("instances"))) {
      for (Path file : files.toList()) {
        long pid = Long.parseLong(Files.readString(file).replaceAll("[^0-9]", ""));
        long own = pssKiB(pid);
        if (own > 0) {
          count++;
          kib += own + ProcessHandle.of(pid).map(p -> p.descendants()
              .mapToLong(c -> pssKiB(c.pid())).sum()).orElse(0L);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no local instances
    }
    return new double[] {kib / 1024.0, count};
  }

  // ---- results -----------------------------------------------------------------------------------

  private void write(String startedAt, String loadAtStart, List<Window> idleWindows,
      List<Window> loadedWindows, Map<String, Object> idleHeap, Map<String, Object> loadedHeap,
      Map<String, Object> promotionSummary, int runningInstances, Object seen, double totalS)
      throws IOException {
    List<Double> idleRss = idleWindows.stream().map(Window::rssMeanMiB).toList();
    List<Double> loadedRss = loadedWindows.stream().map(Window::rssMeanMiB).toList();
    Map<String, Object> baseline = figure("idle engine RSS (freshly started)", "MiB", idleRss);
    Map<String, Object> rss = figure(
        "engine RSS with 10,000 devices, 50 instances, 100 finished promotions", "MiB",
        loadedRss);
    double ratio = median(loadedRss) / median(idleRss);
    rss.put("higherIsBetter", false);
    rss.put("baseline", baseline);
    rss.put("ratio", round3(ratio));
    rss.put("target", null);
    rss.put("targetMet", null);
    Map<String, Object> heap = null;
    if (idleHeap.get("usedMiB") instanceof Double idleUsed
        && loadedHeap.get("usedMiB") instanceof Double loadedUsed) {
      heap = figure("engine heap used after a full GC, loaded", "MiB", List.of(loadedUsed));
      heap.put("higherIsBetter", false);
      heap.put("baseline", figure("engine heap used after a full GC, idle", "MiB",
          List.of(idleUsed)));
      heap.put("ratio", round3(loadedUsed / idleUsed));
      heap.put("target", null);
      heap.put("targetMet", null);
    }
    List<Object> figures = new ArrayList<>(List.of(rss));
    if (heap != null) {
      figures.add(heap);
    }
    String commit = System.getenv().getOrDefault("BENCH_ENGINE_COMMIT", "unknown");
    String java = System.getProperty("java.vm.vendor") + " "
        + System.getProperty("java.runtime.version");
    Map<String, Object> json = ordered(
        "benchmark", "memory",
        "startedAt", startedAt,
        "figures", figures,
        "setup", ordered(
            "devices", devices.size(),
            "instances", instances,
            "instancesRunning", runningInstances,
            "runtime", "local (Node-RED processes)",
            "promotions", promotions,
            "promotionConcurrency", promotionConcurrency,
            "heartbeatIntervalS", heartbeatInterval.toSeconds(),
            "idleS", idle.toSeconds(),
            "settleS", settle.toSeconds(),
            "windows", windows,
            "windowS", window.toSeconds(),
            "rssOfAWindow", "mean of VmRSS sampled every 500 ms"),
        "machine", ordered(
            "cpus", Runtime.getRuntime().availableProcessors(),
            "memTotal", readFirstLine("/proc/meminfo"),
            "loadAverageAtStart", loadAtStart,
            "loadAverageAtEnd", readFirstLine("/proc/loadavg"),
            "java", java),
        "engine", ordered(
            "commit", commit,
            "startupS", System.getenv().getOrDefault("BENCH_ENGINE_STARTUP_S", ""),
            "jvmOptions", System.getenv().getOrDefault("BENCH_ENGINE_JVM_OPTS", "")),
        "note", System.getenv().getOrDefault("BENCH_NOTE", ""),
        "idle", ordered("windows", windowsJson(idleWindows), "heapAfterGc", idleHeap),
        "loaded", ordered("windows", windowsJson(loadedWindows), "heapAfterGc", loadedHeap,
            "heartbeatsSent", heartbeats.get(), "heartbeatErrors", heartbeatErrors.get(),
            "devicesSeenInTheDatabase", seen, "promotionLoad", promotionSummary),
        "timingsS", timings,
        "loadedPhaseS", round3(totalS),
        "errors", new ArrayList<>(errors));
    Files.createDirectories(results);
    Files.writeString(results.resolve("memory.json"), toJson(json, "") + "\n");

    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Engine at commit %s, default JVM options; %s; load average %s at the start, %s at the"
            + " end. RSS of a window: mean of VmRSS sampled every 500 ms for %d s; %d windows"
            + " per phase.%n%n", commit, java,
        String.join(" ", List.of(loadAtStart.split(" ")).subList(0, 3)),
        String.join(" ", List.of(readFirstLine("/proc/loadavg").split(" ")).subList(0, 3)),
        window.toSeconds(), windows));
    md.append("| phase | window | engine RSS MiB (mean) | max | VmHWM | PostgreSQL Pss MiB"
        + " | Node-RED processes | their Pss MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String phase : List.of("idle", "loaded")) {
      List<Window> ws = phase.equals("idle") ? idleWindows : loadedWindows;
      for (int i = 0; i < ws.size(); i++) {
        Window w = ws.get(i);
        md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %d | %.0f"
                + " |%n", phase, i + 1, w.rssMeanMiB(), w.rssMaxMiB(), w.hwmMiB(),
            w.postgresMiB(), w.nodeRedProcesses(), w.nodeRedMiB()));
      }
    }
    md.append("\n| figure | median | min | max |\n|---|---:|---:|---:|\n");
    List<Map<String, Object>> rows = new ArrayList<>(List.of(rss, baseline));
    for (Map<String, Object> f : rows) {
      md.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s |%n", f.get("name"),
          f.get("unit"), fmt(f.get("median")), fmt(f.get("min")), fmt(f.get("max"))));
    }
    md.append(String.format(Locale.ROOT, "%n**Ratio loaded / idle: %.2f.** Heap used after"
            + " `jcmd GC.run`: idle %s MiB, loaded %s MiB (committed %s / %s MiB).%n%n",
        ratio, fmt(idleHeap.get("usedMiB")), fmt(loadedHeap.get("usedMiB")),
        fmt(idleHeap.get("committedMiB")), fmt(loadedHeap.get("committedMiB"))));
    md.append(String.format(Locale.ROOT, "Load: %d devices, each heartbeating once (%.1f s)"
            + " then every %d s (%d heartbeats, %d failed; %s devices seen in the database);"
            + " %d instances running; promotions: %s of %d completed (%s s at concurrency %d)."
            + " Errors: %d.%n",
        devices.size(), (Double) timings.getOrDefault("firstHeartbeatOfEveryDeviceS", 0.0),
        heartbeatInterval.toSeconds(), heartbeats.get(), heartbeatErrors.get(), seen,
        runningInstances, promotionSummary.get("completed") instanceof Number c ? c.intValue()
            : promotionSummary.get("completed"), promotions,
        fmt(promotionSummary.get("wallS")), promotionConcurrency, errors.size()));
    Files.writeString(results.resolve("memory.md"), md.toString());
    System.out.println(md);
  }

  private static List<Object> windowsJson(List<Window> ws) {
    List<Object> out = new ArrayList<>();
    for (Window w : ws) {
      out.add(ordered("rssMeanMiB", round3(w.rssMeanMiB()), "rssMaxMiB", round3(w.rssMaxMiB()),
          "vmHwmMiB", round3(w.hwmMiB()), "postgresPssMiB", round3(w.postgresMiB()),
          "nodeRedProcesses", w.nodeRedProcesses(), "nodeRedPssMiB", round3(w.nodeRedMiB())));
    }
    return out;
  }

  private static Map<String, Object> figure(String name, String unit, List<Double> runs) {
    return ordered(
        "name", name,
        "unit", unit,
        "median", round3(median(runs)),
        "min", round3(runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)),
        "max", round3(runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)),
        "runs", runs.stream().map(MemoryBench::round3).toList());
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  // ---- HTTP and small helpers ------------------------------------------------------------------

  Response send(String method, String path, String auth, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", auth);
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    HttpResponse<String> response = http.send(request.build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(response.statusCode(), response.body());
  }

  private static double num(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static Double round3(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
  }

  private static String fmt(Object value) {
    return value instanceof Double d ? String.format(Locale.ROOT, "%.1f", d)
        : String.valueOf(value);
  }

  private static String readFirstLine(String file) {
    try {
      return Files.readAllLines(Path.of(file)).get(0);
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static void say(String message) {
    System.err.println(java.time.LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " bench: "
        + message);
  }

  /** A map keeping the order of its keys: name, value, name, value, ... */
  static Map<String, Object> ordered(Object... namesAndValues) {
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
