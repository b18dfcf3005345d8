import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.sun.net.httpserver.HttpServer;

/**
 * The measuring half of {@code bench/files/run}: against a running Flowgate, streams generated
 * files through the instance files API, up (with Content-Length, then chunked without) and down,
 * checks that every SHA-256 matches, and reports throughput and what the engine's JVM needed: peak
 * heap in use and live heap after GC (from its GC log), peak resident memory. JDK only; started
 * with {@code java FilesBench.java}.
 *
 * <p>Arguments: {@code --api URL --results DIR [--size BYTES] [--repeats N] [--gc-log FILE]
 * [--engine-pid PID] [--heap-max TEXT]}. Each repeat uploads and downloads both files, then the
 * same bytes through a minimal HTTP file server (the baseline). Environment: {@code BENCH_ADMIN_PASSWORD}, optionally {@code
 * BENCH_ENGINE_COMMIT}, {@code BENCH_RUNTIME}.
 *
 * <p>Exit code 0: every transfer succeeded with matching SHA-256; 1: one failed; 2: wrong
 * arguments.
 */
public class FilesBench {

  static final int BUFFER = 256 * 1024;
  static final Pattern GC_LINE =
      Pattern.compile("^\\[([^\\]]+)\\].*GC\\(\\d+\\) (Pause[^)]*\\)).* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  static String api;
  static String authorization;
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    if (!options.containsKey("--api") || !options.containsKey("--results")) {
      System.err.println("usage: FilesBench --api URL --results DIR [--size BYTES] [--repeats N]"
          + " [--gc-log FILE] [--engine-pid PID] [--heap-max TEXT]");
      System.exit(2);
    }
    api = options.get("--api");
    long size = Long.parseLong(options.getOrDefault("--size", Long.toString(1L << 30)));
    int repeats = Integer.parseInt(options.getOrDefault("--repeats", "3"));
    Path gcLog = options.containsKey("--gc-log") ? Path.of(options.get("--gc-log")) : null;
    String pid = options.get("--engine-pid");
    authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("admin:" + System.getenv("BENCH_ADMIN_PASSWORD"))
                        .getBytes(StandardCharsets.UTF_8));

    say("setting up an organization, a team, an application and an instance");
    String org = id(post("/api/v1/organizations", "{\"name\":\"Files bench\"}", 201));
    String team =
        id(post("/api/v1/organizations/" + org + "/teams",
            "{\"name\":\"Bench\",\"slug\":\"bench\"}", 201));
    String app = id(post("/api/v1/teams/" + team + "/applications", "{\"name\":\"Bench\"}", 201));
    String instance =
        id(post("/api/v1/instances",
            "{\"team\":\"" + team + "\",\"application\":\"" + app + "\",\"name\":\"files-bench\"}",
            202));
    send("PUT", "/api/v1/teams/" + team + "/quota",
        "{\"fileBytes\":" + (4 * size + (1L << 30)) + "}", 200);
    String state = awaitSettled(instance);
    say("instance " + instance + " is " + state + "; measuring " + mib(size) + " MiB transfers");

    String files = "/api/v1/instances/" + instance + "/files/";
    List<Map<String, Object>> phases = new ArrayList<>();
    boolean ok = true;
    Map<String, Object> idle = phase("idle (5 s, nothing sent)", gcLog, pid, () -> {
      Thread.sleep(5000);
      return new Transfer(0, null, null, true, "");
    });
    idle.put("repeat", 0);
    idle.put("kind", "idle");
    phases.add(idle);
    Path baselineDir = Files.createTempDirectory("files-bench-baseline");
    HttpServer baseline = baselineServer(baselineDir);
    String baselineApi = "http://127.0.0.1:" + baseline.getAddress().getPort();
    try {
      for (int repeat = 1; repeat <= repeats; repeat++) {
        String run = "run " + repeat + ": ";
        for (String[] upload :
            new String[][] {{"with-length.bin", "true"}, {"chunked.bin", "false"}}) {
          String path = files + upload[0];
          boolean withLength = Boolean.parseBoolean(upload[1]);
          long seed = withLength ? 1 : 2;
          Map<String, Object> up = phase(
              run + "upload, " + (withLength ? "Content-Length" : "chunked (no Content-Length)"),
              gcLog, pid, () -> upload(api, path, size, seed, withLength));
          Map<String, Object> down = phase(run + "download " + upload[0], gcLog, pid,
              () -> download(api, path, size,
                  (String) ((Map<?, ?>) up.get("transfer")).get("sha256")));
          up.put("repeat", repeat);
          up.put("kind", withLength ? "upload" : "upload-chunked");
          down.put("repeat", repeat);
          down.put("kind", "download");
          phases.add(up);
          phases.add(down);
          ok &= (Boolean) ((Map<?, ?>) up.get("transfer")).get("ok");
          ok &= (Boolean) ((Map<?, ?>) down.get("transfer")).get("ok");
        }
        // the baseline: the same bytes, the same client, a minimal HTTP file server
        Map<String, Object> up = phase(run + "baseline upload (JDK HttpServer to a file)",
            null, null, () -> upload(baselineApi, "/baseline.bin", size, 3, true));
        Map<String, Object> down = phase(run + "baseline download (JDK HttpServer from a file)",
            null, null, () -> download(baselineApi, "/baseline.bin", size,
                (String) ((Map<?, ?>) up.get("transfer")).get("sha256")));
        up.put("repeat", repeat);
        up.put("kind", "baseline-upload");
        down.put("repeat", repeat);
        down.put("kind", "baseline-download");
        phases.add(up);
        phases.add(down);
        ok &= (Boolean) ((Map<?, ?>) up.get("transfer")).get("ok");
        ok &= (Boolean) ((Map<?, ?>) down.get("transfer")).get("ok");
        Files.deleteIfExists(baselineDir.resolve("baseline.bin"));
      }
    } finally {
      baseline.stop(0);
      Files.deleteIfExists(baselineDir.resolve("baseline.bin"));
      Files.deleteIfExists(baselineDir);
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("date", OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT));
    result.put("machine", machine());
    result.put("engineCommit", System.getenv().getOrDefault("BENCH_ENGINE_COMMIT", "unknown"));
    result.put("engineHeapMax", options.getOrDefault("--heap-max", "unknown"));
    result.put("runtime", System.getenv().getOrDefault("BENCH_RUNTIME", "auto"));
    result.put("instanceState", state);
    result.put("fileBytes", size);
    result.put("repeats", repeats);
    result.put("baseline", "the same client and generated bytes through a minimal HTTP file server"
        + " in the bench's JVM (JDK HttpServer on 127.0.0.1: PUT hashes the body with SHA-256 and"
        + " writes it to a file in the same temporary folder as the engine's data; GET streams"
        + " the file back with Content-Length): no authentication, no object store, no multipart");
    result.put("peakRssMiB", pid == null ? null : procStatusMiB(pid, "VmHWM"));
    result.put("phases", phases);
    result.put("allSha256Match", ok);
    Path results = Path.of(options.get("--results"));
    Files.createDirectories(results);
    Files.writeString(results.resolve("files.json"), toJson(result, "") + "\n");
    String table = markdown(result);
    Files.writeString(results.resolve("files.md"), table);
    System.out.println();
    System.out.println(table);
    System.exit(ok ? 0 : 1);
  }

  /** One transfer's outcome. */
  record Transfer(long bytes, String sha256, Double seconds, boolean ok, String note) {}

  interface Work {
    Transfer run() throws Exception;
  }

  /** Runs the work while sampling the engine's resident memory; reads its GC log for the window. */
  static Map<String, Object> phase(String name, Path gcLog, String pid, Work work)
      throws Exception {
    say(name + " ...");
    AtomicBoolean running = new AtomicBoolean(true);
    long[] maxRss = {0};
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        Double rss = pid == null ? null : procStatusMiB(pid, "VmRSS");
        if (rss != null) {
          maxRss[0] = Math.max(maxRss[0], Math.round(rss));
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    OffsetDateTime from = OffsetDateTime.now(ZoneOffset.UTC);
    long cpuBefore = pid == null ? -1 : cpuTicks(pid);
    Transfer transfer = work.run();
    long cpuAfter = pid == null ? -1 : cpuTicks(pid);
    OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
    running.set(false);
    sampler.join();
    Thread.sleep(300); // the GC log is written as collections end
    Map<String, Object> gc = gcLog == null ? Map.of() : gcWindow(gcLog, from, to);
    Map<String, Object> phase = new LinkedHashMap<>();
    phase.put("name", name);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("bytes", transfer.bytes());
    t.put("sha256", transfer.sha256());
    t.put("seconds", transfer.seconds());
    t.put("mibPerSecond", transfer.seconds() == null || transfer.bytes() == 0
        ? null : round1(mib(transfer.bytes()) / transfer.seconds()));
    t.put("ok", transfer.ok());
    t.put("note", transfer.note());
    phase.put("transfer", t);
    phase.put("engineCpuSeconds", cpuBefore < 0 ? null : round1((cpuAfter - cpuBefore) / 100.0));
    phase.put("gc", gc);
    phase.put("maxRssMiB", pid == null ? null : maxRss[0]);
    say(name + ": " + (transfer.seconds() == null ? "" : String.format(Locale.ROOT, "%.1f s, ",
        transfer.seconds())) + (t.get("mibPerSecond") == null ? "" : t.get("mibPerSecond")
        + " MiB/s, ") + (pid == null ? "" : "heap peak " + gc.get("peakUsedMiB")
        + " MiB, live after GC at most " + gc.get("maxAfterGcMiB") + " MiB, RSS up to "
        + maxRss[0] + " MiB")
        + (transfer.ok() ? "" : " FAILED: " + transfer.note()));
    return phase;
  }

  /**
   * The baseline's server: PUT /name hashes the body and writes it to a file, answers 201 with
   * {"sha256": ...}; GET /name streams the file with Content-Length.
   */
  static HttpServer baselineServer(Path dir) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", exchange -> {
      try (exchange) {
        Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1));
        if ("PUT".equals(exchange.getRequestMethod())) {
          MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
          try (InputStream in = exchange.getRequestBody();
              OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; ) {
              sha256.update(buffer, 0, n);
              out.write(buffer, 0, n);
            }
          }
          byte[] body = ("{\"sha256\":\"" + HexFormat(sha256.digest()) + "\"}")
              .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(201, body.length);
          exchange.getResponseBody().write(body);
        } else {
          exchange.sendResponseHeaders(200, Files.size(file));
          try (OutputStream out = exchange.getResponseBody()) {
            Files.copy(file, out);
          }
        }
      } catch (Exception e) {
        say("baseline server: " + e);
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
    return server;
  }

  static Transfer upload(String api, String path, long size, long seed, boolean withLength)
      throws Exception {
    Generated body = new Generated(size, seed);
    HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(() -> body);
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
        .header("Authorization", authorization)
        .header("Content-Type", "application/octet-stream")
        .expectContinue(true)
        .timeout(Duration.ofMinutes(30))
        .PUT(withLength ? HttpRequest.BodyPublishers.fromPublisher(stream, size) : stream)
        .build();
    long started = System.nanoTime();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    double seconds = (System.nanoTime() - started) / 1e9;
    String sent = body.sha256();
    String stored = field(response.body(), "sha256");
    boolean ok = (response.statusCode() == 201 || response.statusCode() == 200)
        && body.position == size && sent.equals(stored);
    return new Transfer(size, sent, round2(seconds), ok,
        ok ? "stored SHA-256 matches the generated bytes'"
            : "status " + response.statusCode() + ", sent " + body.position + " bytes, SHA-256 "
                + sent + " vs stored " + stored + ": " + response.body());
  }

  static Transfer download(String api, String path, long size, String expected)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
        .header("Authorization", authorization)
        .timeout(Duration.ofMinutes(30))
        .build();
    long started = System.nanoTime();
    HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    long received = 0;
    try (InputStream in = response.body()) {
      byte[] buffer = new byte[BUFFER];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        received += n;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    String got = HexFormat(sha256.digest());
    String length = response.headers().firstValue("Content-Length").orElse("none");
    boolean ok = response.statusCode() == 200 && received == size && got.equals(expected)
        && length.equals(Long.toString(size));
    return new Transfer(received, got, round2(seconds), ok,
        ok ? "SHA-256 of the bytes received matches; Content-Length " + length
            : "status " + response.statusCode() + ", " + received + " bytes, SHA-256 " + got
                + " (expected " + expected + "), Content-Length " + length);
  }

  /** Pseudo-random bytes made as they are read (fast, no disk), with their SHA-256. */
  static final class Generated extends InputStream {
    final long size;
    final SplittableRandom random;
    final MessageDigest sha256;
    final ByteBuffer block = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    long position;

    Generated(long size, long seed) throws Exception {
      this.size = size;
      this.random = new SplittableRandom(seed);
      this.sha256 = MessageDigest.getInstance("SHA-256");
      block.position(block.limit());
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
      if (position >= size) {
        return -1;
      }
      if (!block.hasRemaining()) {
        block.clear();
        while (block.remaining() >= 8) {
          block.putLong(random.nextLong());
        }
        block.flip();
      }
      int n = (int) Math.min(Math.min(length, block.remaining()), size - position);
      block.get(target, offset, n);
      sha256.update(target, offset, n);
      position += n;
      return n;
    }

    String sha256() {
      return HexFormat(sha256.digest());
    }
  }

  /** Heap numbers of the G1 pauses in a time window of the GC log (time decorator). */
  static Map<String, Object> gcWindow(Path log, OffsetDateTime from, OffsetDateTime to)
      throws IOException {
    long peakBefore = 0;
    long maxAfter = 0;
    long minAfter = Long.MAX_VALUE;
    long committed = 0;
    int pauses = 0;
    for (String line : Files.readAllLines(log)) {
      Matcher m = GC_LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      OffsetDateTime at;
      try {
        at = OffsetDateTime.parse(m.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ"));
      } catch (RuntimeException e) {
        continue;
      }
      if (at.isBefore(from) || at.isAfter(to)) {
        continue;
      }
      pauses++;
      peakBefore = Math.max(peakBefore, Long.parseLong(m.group(3)));
      long after = Long.parseLong(m.group(4));
      maxAfter = Math.max(maxAfter, after);
      minAfter = Math.min(minAfter, after);
      committed = Math.max(committed, Long.parseLong(m.group(5)));
    }
    Map<String, Object> gc = new LinkedHashMap<>();
    gc.put("pauses", pauses);
    gc.put("peakUsedMiB", pauses == 0 ? null : peakBefore);
    gc.put("maxAfterGcMiB", pauses == 0 ? null : maxAfter);
    gc.put("minAfterGcMiB", pauses == 0 ? null : minAfter);
    gc.put("maxCommittedMiB", pauses == 0 ? null : committed);
    return gc;
  }

  static String markdown(Map<String, Object> result) {
    StringBuilder out = new StringBuilder();
    out.append("# Instance files benchmark\n\n");
    out.append("- date: ").append(result.get("date")).append('\n');
    out.append("- machine: ").append(result.get("machine")).append('\n');
    out.append("- engine commit ").append(result.get("engineCommit"))
        .append(", JVM ").append(result.get("engineHeapMax"))
        .append(", embedded PostgreSQL and S3 (s3proxy in the engine's JVM), runtime ")
        .append(result.get("runtime")).append(", instance ").append(result.get("instanceState"))
        .append('\n');
    out.append("- file size: ").append(result.get("fileBytes")).append(" bytes (")
        .append(mib((Long) result.get("fileBytes"))).append(" MiB), generated pseudo-random bytes\n");
    out.append("- engine peak resident memory over the whole run (VmHWM): ")
        .append(result.get("peakRssMiB")).append(" MiB\n\n");
    out.append("| phase | seconds | MiB/s | engine CPU s | GC pauses | heap peak in use MiB |"
        + " live after GC MiB (min-max) | heap committed MiB | RSS max MiB | SHA-256 |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Object item : (List<?>) result.get("phases")) {
      Map<?, ?> phase = (Map<?, ?>) item;
      Map<?, ?> t = (Map<?, ?>) phase.get("transfer");
      Map<?, ?> gc = (Map<?, ?>) phase.get("gc");
      out.append("| ").append(phase.get("name"))
          .append(" | ").append(dash(t.get("seconds")))
          .append(" | ").append(dash(t.get("mibPerSecond")))
          .append(" | ").append(dash(phase.get("engineCpuSeconds")))
          .append(" | ").append(dash(gc.get("pauses")))
          .append(" | ").append(dash(gc.get("peakUsedMiB")))
          .append(" | ").append(gc.get("minAfterGcMiB") == null ? "-"
              : gc.get("minAfterGcMiB") + "-" + gc.get("maxAfterGcMiB"))
          .append(" | ").append(dash(gc.get("maxCommittedMiB")))
          .append(" | ").append(dash(phase.get("maxRssMiB")))
          .append(" | ").append(t.get("sha256") == null ? "-" : (Boolean) t.get("ok")
              ? "matches" : "MISMATCH")
          .append(" |\n");
    }
    out.append("\nAll SHA-256 match: ").append(result.get("allSha256Match")).append('\n');
    return out.toString();
  }

  static String awaitSettled(String instance) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String state = "provisioning";
    while (System.nanoTime() < deadline) {
      state = field(send("GET", "/api/v1/instances/" + instance, null, 200), "state");
      if (!"provisioning".equals(state)) {
        return state;
      }
      Thread.sleep(250);
    }
    return state;
  }

  static String post(String path, String json, int expected) throws Exception {
    return send("POST", path, json, expected);
  }

  static String send(String method, String path, String json, int expected) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(api + path))
        .header("Authorization", authorization)
        .timeout(Duration.ofSeconds(60));
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    HttpResponse<String> response = HTTP.send(
        builder.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + ": expected " + expected + ", got "
          + response.statusCode() + " " + response.body());
    }
    return response.body();
  }

  static String id(String json) {
    return field(json, "id");
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    return m.find() ? m.group(1) : null;
  }

  static Double procStatusMiB(String pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith(field + ":")) {
          return round1(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** utime + stime of the process and its threads, in clock ticks (1/100 s). */
  static long cpuTicks(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String machine() {
    String load;
    try {
      load = Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      load = "unknown";
    }
    return Runtime.getRuntime().availableProcessors() + " CPUs, load average at start " + load
        + ", JDK " + System.getProperty("java.vendor") + " " + System.getProperty("java.version");
  }

  static String HexFormat(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  static Double round1(double value) {
    return Math.round(value * 10) / 10.0;
  }

  static Double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }

  static void say(String message) {
    System.err.println("\033[1mbench:\033[0m " + message);
  }

  static String toJson(Object value, String indent) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String text) {
      return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    String inner = indent + "  ";
    if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      map.forEach((k, v) -> entries.add(inner + toJson(k.toString(), inner) + ": " + toJson(v, inner)));
      return entries.isEmpty() ? "{}" : "{\n" + String.join(",\n", entries) + "\n" + indent + "}";
    }
    if (value instanceof List<?> list) {
      List<String> entries = new ArrayList<>();
      list.forEach(v -> entries.add(inner + toJson(v, inner)));
      return entries.isEmpty() ? "[]" : "[\n" + String.join(",\n", entries) + "\n" + indent + "]";
    }
    return toJson(value.toString(), indent);
  }
}
