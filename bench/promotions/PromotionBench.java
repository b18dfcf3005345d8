import java.io.IOException;
import java.net.URI;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The measuring half of {@code bench/promotions/run} (and the promotion load of {@code
 * bench/memory/run}): against a running Flowgate, sets up a dev → prod pipeline over two real
 * Node-RED instances whose prod stage is protected (two approvals), then times promotions end to
 * end (request, two approvals through the REST API, deploy to prod, state {@code completed}) and,
 * in the same run on the same engine and database, plain Camunda starting and finishing a
 * one-service-task process through {@code /engine-rest}. JDK only; {@code java PromotionBench.java}.
 *
 * <p>Arguments: {@code --api URL --results DIR [--mode bench|load] [--promotions N] [--concurrency
 * C] [--repeats R] [--baseline-processes N] [--poll-ms MS] [--summary FILE]}. Environment: {@code
 * BENCH_ADMIN_PASSWORD}; optionally {@code BENCH_ENGINE_PID}, {@code BENCH_ENGINE_COMMIT}, {@code
 * BENCH_ENGINE_STARTUP_S}, {@code BENCH_NOTE}.
 *
 * <p>Mode {@code bench} measures and writes {@code promotions.json} / {@code promotions.md}; mode
 * {@code load} only runs {@code --promotions} promotions (verified) and writes a summary to {@code
 * --summary}. Exit code 0: every request succeeded and every check held; 1: something failed; 2:
 * wrong arguments.
 */
public class PromotionBench {

  static final List<String> FINAL_STATES =
      List.of("completed", "rejected", "expired", "rolled-back", "failed");

  /** The prod instance answers GET /hello with this once the snapshot runs there. */
  static final String HELLO = "promoted by the bench";

  static final Duration WAIT = Duration.ofMinutes(5);

  static final String BASELINE_KEY = "flowgateBenchOneTask";

  static final String BASELINE_BPMN =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
          xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
          id="flowgate-bench-defs" targetNamespace="http://flowgate.invalid/bench">
        <bpmn:process id="%s" name="Flowgate bench: one service task" isExecutable="true"
            camunda:historyTimeToLive="P1D">
          <bpmn:startEvent id="start"><bpmn:outgoing>to-task</bpmn:outgoing></bpmn:startEvent>
          <bpmn:sequenceFlow id="to-task" sourceRef="start" targetRef="task" />
          <bpmn:serviceTask id="task" name="Nothing" camunda:expression="${true}">
            <bpmn:incoming>to-task</bpmn:incoming><bpmn:outgoing>to-end</bpmn:outgoing>
          </bpmn:serviceTask>
          <bpmn:sequenceFlow id="to-end" sourceRef="task" targetRef="end" />
          <bpmn:endEvent id="end"><bpmn:incoming>to-end</bpmn:incoming></bpmn:endEvent>
        </bpmn:process>
      </bpmn:definitions>
      """
          .formatted(BASELINE_KEY);

  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  record Response(int status, String body) {}

  /** One promotion's outcome: its id, seconds from the request to completed, or the error. */
  record Outcome(String id, double seconds, String error, double[] phases) {
    Outcome(String id, double seconds, String error) {
      this(id, seconds, error, null);
    }
  }

  record Run(double wallS, double perSecond, List<Outcome> outcomes, long requests, double cpuS) {
    long failed() {
      return outcomes.stream().filter(o -> o.error() != null).count();
    }
  }

  private final String api;
  private final Path results;
  private final String mode;
  private final int promotions;
  private final int concurrency;
  private final int repeats;
  private final int baselineProcesses;
  private final Duration poll;
  private final Path summary;
  private final String adminAuth;
  private final long enginePid;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong requests = new AtomicLong();
  private final SecureRandom random = new SecureRandom();
  private final String userPassword;
  private String requesterAuth;
  private String approver1Auth;
  private String approver2Auth;
  private String approver1;
  private String approver2;
  private String requester;
  private String team;
  private String dev;
  /** One prod instance, one pipeline dev → prod and its dev stage per concurrent worker. */
  private final List<String> prods = new ArrayList<>();

  private final List<String> pipelines = new ArrayList<>();
  private final List<String> devStages = new ArrayList<>();
  private String snapshot;
  private final Map<String, Double> setupS = new LinkedHashMap<>();

  PromotionBench(Map<String, String> options, String adminPassword) {
    this.api = options.get("api").replaceAll("/+$", "");
    this.results = Path.of(options.getOrDefault("results", "."));
    this.mode = options.getOrDefault("mode", "bench");
    this.promotions = Integer.parseInt(options.getOrDefault("promotions", "20"));
    this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "4"));
    this.repeats = Integer.parseInt(options.getOrDefault("repeats", "3"));
    this.baselineProcesses =
        Integer.parseInt(
            options.getOrDefault("baseline-processes", Integer.toString(this.promotions)));
    this.poll = Duration.ofMillis(Long.parseLong(options.getOrDefault("poll-ms", "100")));
    this.summary = options.containsKey("summary") ? Path.of(options.get("summary")) : null;
    this.adminAuth = basic("admin", adminPassword);
    this.enginePid = Long.parseLong(System.getenv().getOrDefault("BENCH_ENGINE_PID", "0"));
    this.userPassword = "bench-" + Long.toHexString(random.nextLong());
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        System.err.println(
            "usage: java PromotionBench.java --api URL --results DIR [--mode bench|load]"
                + " [--promotions N] [--concurrency C] [--repeats R] [--baseline-processes N]"
                + " [--poll-ms MS] [--summary FILE]");
        System.exit(2);
      }
      options.put(args[i].substring(2), args[++i]);
    }
    String password = System.getenv("BENCH_ADMIN_PASSWORD");
    if (!options.containsKey("api") || password == null || password.isEmpty()) {
      System.err.println("--api and BENCH_ADMIN_PASSWORD are required");
      System.exit(2);
    }
    if (!List.of("bench", "load").contains(options.getOrDefault("mode", "bench"))) {
      System.err.println("--mode is bench or load");
      System.exit(2);
    }
    try {
      System.exit(new PromotionBench(options, password).run());
    } catch (Failure e) {
      say("failed: " + e.getMessage());
      System.exit(1);
    }
  }

  int run() throws Exception {
    String startedAt =
        OffsetDateTime.now(ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.SECONDS)
            .format(DateTimeFormatter.ISO_INSTANT);
    String loadAtStart = readFirstLine("/proc/loadavg");
    long began = System.nanoTime();
    setUp();
    if (mode.equals("load")) {
      return load(began);
    }

    // the baseline's requests are short: a larger warm-up lets the JIT settle before they count
    int warmBaselineProcesses = Math.max(100, baselineProcesses);
    say("warm-up (untimed): 2 promotions, " + warmBaselineProcesses + " baseline processes");
    deployBaseline();
    Run warmPromotions = promotionRun(Math.min(2, promotions), Math.min(2, concurrency));
    Run warmBaseline = baselineRun(warmBaselineProcesses);
    if (warmPromotions.failed() > 0 || warmBaseline.failed() > 0) {
      say("warm-up failed: " + firstError(warmPromotions) + " " + firstError(warmBaseline));
    }
    List<Run> promotionRuns = new ArrayList<>();
    List<Run> baselineRuns = new ArrayList<>();
    for (int repeat = 1; repeat <= repeats; repeat++) {
      // each repeat measures both sides back to back, so a pair shares the host's load
      Run baseline = baselineRun(baselineProcesses);
      baselineRuns.add(baseline);
      say(String.format(Locale.ROOT, "repeat %d/%d baseline: %d processes in %.3f s = %.1f/s%s",
          repeat, repeats, baselineProcesses, baseline.wallS(), baseline.perSecond(),
          baseline.failed() > 0 ? " (" + baseline.failed() + " failed)" : ""));
      Run run = promotionRun(promotions, concurrency);
      promotionRuns.add(run);
      say(String.format(Locale.ROOT,
          "repeat %d/%d promotions: %d in %.3f s = %.3f/s, p50 %.0f ms, p99 %.0f ms%s",
          repeat, repeats, promotions, run.wallS(), run.perSecond(),
          percentile(latenciesMs(run), 50), percentile(latenciesMs(run), 99),
          run.failed() > 0 ? " (" + run.failed() + " failed)" : ""));
    }
    List<Outcome> all = new ArrayList<>();
    promotionRuns.forEach(r -> all.addAll(r.outcomes()));
    all.addAll(warmPromotions.outcomes());
    Map<String, Object> verification = verify(all);
    promotionRuns.forEach(r -> r.outcomes().stream().filter(o -> o.error() != null)
        .forEach(o -> errors.add("promotion " + o.id() + ": " + o.error())));
    baselineRuns.forEach(r -> r.outcomes().stream().filter(o -> o.error() != null)
        .forEach(o -> errors.add("baseline process: " + o.error())));
    write(startedAt, loadAtStart, promotionRuns, baselineRuns, verification,
        seconds(System.nanoTime() - began));
    if (!errors.isEmpty()) {
      say(errors.size() + " error(s); the first: " + errors.get(0));
      return 1;
    }
    return 0;
  }

  /** Mode load: {@code --promotions} promotions at {@code --concurrency}, verified, summarized. */
  private int load(long began) throws Exception {
    Run run = promotionRun(promotions, concurrency);
    say(String.format(Locale.ROOT, "%d promotions in %.1f s (%d failed)", promotions, run.wallS(),
        run.failed()));
    run.outcomes().stream().filter(o -> o.error() != null)
        .forEach(o -> errors.add("promotion " + o.id() + ": " + o.error()));
    Map<String, Object> verification = verify(run.outcomes());
    if (summary != null) {
      Files.writeString(summary, toJson(ordered(
          "promotions", promotions,
          "concurrency", concurrency,
          "completed", verification.get("completed"),
          "wallS", round3(run.wallS()),
          "perSecond", round3(run.perSecond()),
          "latencyMsP50", round3(percentile(latenciesMs(run), 50)),
          "latencyMsP99", round3(percentile(latenciesMs(run), 99)),
          "instances", instancesList(),
          "team", team,
          "verification", verification,
          "setupS", setupS,
          "totalS", round3(seconds(System.nanoTime() - began)),
          "errors", new ArrayList<>(errors)), "") + "\n");
    }
    if (!errors.isEmpty()) {
      say(errors.size() + " error(s); the first: " + errors.get(0));
      return 1;
    }
    return 0;
  }

  // ---- set-up ----------------------------------------------------------------------------------

  private void setUp() throws Exception {
    long t = System.nanoTime();
    String suffix = Long.toHexString(random.nextLong() & 0xffffffffL);
    say("setting up: organization, team, requester, two approvers, application");
    String organization = created(send("POST", "/api/v1/organizations", adminAuth,
        "{\"name\":\"Promotion bench " + suffix + "\"}"), 201);
    team = created(send("POST", "/api/v1/organizations/" + organization + "/teams", adminAuth,
        "{\"name\":\"Promotions " + suffix + "\",\"slug\":\"promo-" + suffix + "\"}"), 201);
    requester = user(organization, "requester-" + suffix, "owner", false);
    approver1 = user(organization, "approver1-" + suffix, "member", true);
    approver2 = user(organization, "approver2-" + suffix, "member", true);
    requesterAuth = basic(requester, userPassword);
    approver1Auth = basic(approver1, userPassword);
    approver2Auth = basic(approver2, userPassword);
    String application = created(send("POST", "/api/v1/teams/" + team + "/applications",
        requesterAuth, "{\"name\":\"Line " + suffix + "\"}"), 201);
    setupS.put("organization, team, users, application", round3(seconds(System.nanoTime() - t)));

    t = System.nanoTime();
    // Flowgate runs one promotion into a stage at a time (409 "still ..." for a second one), so
    // each concurrent worker has its own pipeline: the shared dev stage → its own prod instance
    say("creating the dev instance (with a small flow) and " + concurrency
        + " prod instance(s) (empty)");
    dev = created(send("POST", "/api/v1/instances", requesterAuth,
        "{\"team\":\"" + team + "\",\"application\":\"" + application + "\",\"name\":\"dev-"
            + suffix + "\",\"flows\":" + helloFlows(HELLO) + "}"), 202);
    for (int i = 1; i <= concurrency; i++) {
      prods.add(created(send("POST", "/api/v1/instances", requesterAuth,
          "{\"team\":\"" + team + "\",\"application\":\"" + application
              + "\",\"name\":\"prod-" + i + "-" + suffix + "\"}"), 202));
    }
    awaitRunning(dev);
    for (String prod : prods) {
      awaitRunning(prod);
    }
    setupS.put("dev and prod instances running", round3(seconds(System.nanoTime() - t)));

    t = System.nanoTime();
    snapshot = created(send("POST", "/api/v1/instances/" + dev + "/snapshots", requesterAuth,
        "{\"name\":\"bench " + suffix + "\",\"description\":\"the flow every promotion takes"
            + " to prod\"}"), 201);
    // dev: the snapshot is named in each request (prompt); prod: protected, two approvals
    for (int i = 1; i <= concurrency; i++) {
      String prod = prods.get(i - 1);
      Map<String, Object> made = parseObject(expect(send("POST",
          "/api/v1/applications/" + application + "/pipelines", requesterAuth,
          "{\"name\":\"Bench " + i + "\",\"stages\":["
              + "{\"name\":\"dev\",\"instances\":[\"" + dev + "\"],\"action\":\"prompt\","
              + "\"protected\":false},"
              + "{\"name\":\"prod\",\"instances\":[\"" + prod + "\"],\"action\":"
              + "\"use_latest\",\"protected\":true}]}"), 201, "POST pipelines").body());
      pipelines.add(text(made, "id"));
      devStages.add(text(asMap(((List<?>) made.get("stages")).get(0)), "id"));
      say("pipeline " + pipelines.getLast() + ": dev " + dev + " -> prod " + prod
          + " (protected)");
    }
    setupS.put("snapshot and pipelines", round3(seconds(System.nanoTime() - t)));
    say("snapshot " + snapshot + " of dev");
  }

  private String user(String organization, String name, String role, boolean approver)
      throws Exception {
    expect(send("POST", "/api/v1/users", adminAuth,
        "{\"username\":\"" + name + "\",\"password\":\"" + userPassword + "\",\"email\":\""
            + name + "@bench.invalid\",\"organization\":\"" + organization + "\",\"role\":\""
            + "member\"}"), 201, "POST users");
    Response member = send("PUT", "/api/v1/teams/" + team + "/members/" + name, adminAuth,
        "{\"role\":\"" + role + "\",\"approver\":" + approver + "}");
    if (member.status() != 200 && member.status() != 201) {
      throw new Failure("PUT member " + name + ": " + member.status() + " " + member.body());
    }
    return name;
  }

  private void awaitRunning(String instance) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Map<String, Object> json = parseObject(expect(send("GET", "/api/v1/instances/" + instance,
          requesterAuth, null), 200, "GET instance").body());
      Object state = json.get("state");
      if ("running".equals(state) && json.get("operation") == null) {
        return;
      }
      if ("failed".equals(state) || "crashed".equals(state)) {
        throw new Failure("instance " + instance + " is " + state + ": " + json.get("stateReason"));
      }
      if (System.nanoTime() > deadline) {
        throw new Failure("instance " + instance + " not running after " + WAIT);
      }
      Thread.sleep(250);
    }
  }

  // ---- promotions ------------------------------------------------------------------------------

  private Run promotionRun(int count, int threads) throws Exception {
    return timed(count, threads, this::promoteOnce);
  }

  /** Request, two approvals, completed: the promotion's end-to-end time. */
  private Outcome promoteOnce(int worker) {
    String pipeline = pipelines.get(worker);
    String devStage = devStages.get(worker);
    long start = System.nanoTime();
    String id = null;
    try {
      Response requested = send("POST",
          "/api/v1/pipelines/" + pipeline + "/stages/" + devStage + "/promote", requesterAuth,
          "{\"snapshotId\":\"" + snapshot + "\",\"comment\":\"bench\"}");
      id = text(parseObject(expect(requested, 202, "POST promote").body()), "promotionId");
      Map<String, Object> waiting = awaitState(id, "awaiting-approval");
      long awaiting = System.nanoTime();
      if (((Number) waiting.get("approvalsRequired")).intValue() != 2) {
        return new Outcome(id, Double.NaN, "approvalsRequired is "
            + waiting.get("approvalsRequired") + ", not 2");
      }
      for (String auth : List.of(approver1Auth, approver2Auth)) {
        expect(send("POST", "/api/v1/promotions/" + id + "/approvals", auth,
            "{\"decision\":\"approve\",\"comment\":\"bench\"}"), 200, "POST approvals");
      }
      long approved = System.nanoTime();
      awaitState(id, "completed");
      long end = System.nanoTime();
      return new Outcome(id, seconds(end - start), null, new double[] {seconds(awaiting - start),
          seconds(approved - awaiting), seconds(end - approved)});
    } catch (Failure | IOException e) {
      return new Outcome(id, Double.NaN, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(id, Double.NaN, "interrupted");
    }
  }

  private Map<String, Object> awaitState(String promotion, String state)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Map<String, Object> json = parseObject(expect(send("GET", "/api/v1/promotions/" + promotion,
          requesterAuth, null), 200, "GET promotion").body());
      Object now = json.get("state");
      if (state.equals(now)) {
        return json;
      }
      if (FINAL_STATES.contains(now)) {
        throw new Failure("promotion " + promotion + " is " + now + " (waited for " + state
            + "): " + json.get("stateReason"));
      }
      if (System.nanoTime() > deadline) {
        throw new Failure("promotion " + promotion + " still " + now + " after " + WAIT);
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /** Every promotion completed with two approvals from two people; prod runs the snapshot. */
  private Map<String, Object> verify(List<Outcome> outcomes) throws Exception {
    say("verifying " + outcomes.size() + " promotions and the prod instance");
    int completed = 0;
    int twoApprovals = 0;
    for (Outcome outcome : outcomes) {
      if (outcome.id() == null) {
        continue;
      }
      Map<String, Object> json = parseObject(expect(send("GET", "/api/v1/promotions/"
          + outcome.id(), requesterAuth, null), 200, "GET promotion").body());
      if ("completed".equals(json.get("state"))) {
        completed++;
      } else {
        errors.add("promotion " + outcome.id() + " is " + json.get("state"));
      }
      List<?> approvals = (List<?>) json.get("approvals");
      Set<String> people = new HashSet<>();
      for (Object approval : approvals == null ? List.of() : approvals) {
        Map<String, Object> a = asMap(approval);
        Object who = a.containsKey("approver") ? a.get("approver") : a.get("userId");
        people.add(String.valueOf(who));
      }
      if (approvals != null && approvals.size() == 2 && people.size() == 2
          && !people.contains(requester)) {
        twoApprovals++;
      } else {
        errors.add("promotion " + outcome.id() + " has approvals " + approvals);
      }
      Object snap = json.get("snapshot");
      if (!(snap instanceof Map<?, ?> ref) || !snapshot.equals(ref.get("id"))) {
        errors.add("promotion " + outcome.id() + " promoted snapshot " + snap);
      }
    }
    if (completed != outcomes.size()) {
      errors.add(completed + " of " + outcomes.size() + " promotions completed");
    }
    int prodsOnSnapshot = 0;
    int prodsAnswering = 0;
    int prodsWithSnapshotNodes = 0;
    List<Object> prodChecks = new ArrayList<>();
    for (String prod : prods) {
      Map<String, Object> instance = parseObject(expect(send("GET", "/api/v1/instances/" + prod,
          requesterAuth, null), 200, "GET instance").body());
      boolean onSnapshot = snapshot.equals(instance.get("snapshotId"));
      if (onSnapshot) {
        prodsOnSnapshot++;
      } else {
        errors.add("prod " + prod + "'s snapshotId is " + instance.get("snapshotId") + ", not "
            + snapshot);
      }
      String hello = hello(instance);
      if (hello.equals("200 " + HELLO)) {
        prodsAnswering++;
      } else {
        errors.add("prod " + prod + "'s GET /hello answered " + hello + ", not 200 " + HELLO);
      }
      Map<String, Object> flows = prodFlows(prod);
      if (Boolean.TRUE.equals(flows.get("sameAsSnapshot"))) {
        prodsWithSnapshotNodes++;
      }
      prodChecks.add(ordered("instance", prod, "snapshotId", instance.get("snapshotId"),
          "hello", hello, "flows", flows));
    }
    Map<String, Object> out = ordered(
        "promotions", outcomes.size(),
        "completed", completed,
        "withTwoApprovalsOfTwoPeopleNotTheRequester", twoApprovals,
        "prodInstances", prods.size(),
        "prodOnTheSnapshot", prodsOnSnapshot,
        "prodAnsweringHello", prodsAnswering,
        "prodRunningTheSnapshotsNodes", prodsWithSnapshotNodes,
        "prod", prodChecks);
    say("verification: " + out);
    return out;
  }

  /** GET /hello of prod's Node-RED (the flow of the snapshot answers it). */
  private String hello(Map<String, Object> instance) {
    Object url = instance.get("url");
    if (url == null) {
      return "no url";
    }
    try {
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/+$", "") + "/hello"))
              .timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException | InterruptedException e) {
      return "failed: " + e;
    }
  }

  /**
   * Node ids prod's Node-RED runs (Admin API, editor credentials) against the snapshot's. The
   * empty scope takes the login's own permissions: on a protected prod that login reads only.
   */
  private Map<String, Object> prodFlows(String prod) throws Exception {
    Map<String, Object> login = parseObject(expect(send("GET", "/api/v1/instances/" + prod
        + "/editor-credentials", requesterAuth, null), 200, "GET editor-credentials").body());
    String url = text(login, "url").replaceAll("/+$", "");
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(url + "/auth/token"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("client_id=node-red-admin&grant_type=password"
            + "&scope=&username=" + enc(text(login, "username")) + "&password="
            + enc(text(login, "password"))))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url + "/flows"))
        .timeout(Duration.ofSeconds(10)).header("Node-RED-API-Version", "v1");
    if (token.statusCode() == 200) {
      get.header("Authorization", "Bearer " + text(parseObject(token.body()), "access_token"));
    }
    HttpResponse<String> flows = http.send(get.GET().build(), HttpResponse.BodyHandlers.ofString());
    Set<String> ids = new java.util.TreeSet<>();
    if (flows.statusCode() == 200) {
      for (Object node : (List<?>) new JsonReader(flows.body()).value()) {
        ids.add(String.valueOf(asMap(node).get("id")));
      }
    }
    Set<String> expected = new java.util.TreeSet<>(List.of("tab.hello", "hello-in", "hello-text",
        "hello-out"));
    boolean same = ids.equals(expected);
    if (!same) {
      errors.add("prod " + prod + "'s Node-RED runs nodes " + ids + " (" + flows.statusCode()
          + "), not the snapshot's " + expected);
    }
    return ordered("status", flows.statusCode(), "nodeIds", new ArrayList<>(ids),
        "sameAsSnapshot", same);
  }

  // ---- the baseline: plain Camunda ------------------------------------------------------------

  private void deployBaseline() throws Exception {
    String boundary = "----flowgate-bench-" + Long.toHexString(random.nextLong());
    String body = "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"deployment-name\"\r\n\r\nflowgate-bench\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"deployment-source\"\r\n\r\nbench\r\n"
        + "--" + boundary + "\r\n"
        + "Content-Disposition: form-data; name=\"data\"; filename=\"bench.bpmn\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n" + BASELINE_BPMN + "\r\n"
        + "--" + boundary + "--\r\n";
    HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/engine-rest/deployment/create"))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", adminAuth)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    requests.incrementAndGet();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new Failure("deploying the baseline BPMN: " + response.statusCode() + " "
          + response.body());
    }
    say("baseline process '" + BASELINE_KEY + "' deployed through /engine-rest/deployment/create");
  }

  private Run baselineRun(int count) throws Exception {
    return timed(count, concurrency, worker -> startBaseline());
  }

  private Outcome startBaseline() {
    long start = System.nanoTime();
    try {
      Response started = send("POST", "/engine-rest/process-definition/key/" + BASELINE_KEY
          + "/start", adminAuth, "{}");
      Map<String, Object> json = parseObject(expect(started, 200, "start process").body());
      if (!Boolean.TRUE.equals(json.get("ended"))) {
        return new Outcome(String.valueOf(json.get("id")), Double.NaN, "not ended: " + json);
      }
      return new Outcome(String.valueOf(json.get("id")), seconds(System.nanoTime() - start), null);
    } catch (Failure | IOException e) {
      return new Outcome(null, Double.NaN, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(null, Double.NaN, "interrupted");
    }
  }

  // ---- timing ----------------------------------------------------------------------------------

  /**
   * {@code count} tasks on {@code threads} threads (the task gets its thread's index); wall time
   * from the first start to the last end.
   */
  private Run timed(int count, int threads, IntFunction<Outcome> task) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    long requestsBefore = requests.get();
    double cpuBefore = engineCpuS();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int worker = t;
      workers.add(pool.submit(() -> {
        while (next.getAndIncrement() < count) {
          outcomes.add(task.apply(worker));
        }
      }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    double wall = seconds(System.nanoTime() - start);
    pool.shutdown();
    return new Run(wall, count / wall, new ArrayList<>(outcomes),
        requests.get() - requestsBefore, engineCpuS() - cpuBefore);
  }

  private double engineCpuS() {
    if (enginePid <= 0) {
      return Double.NaN;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + enginePid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static List<Double> latenciesMs(Run run) {
    return run.outcomes().stream().filter(o -> o.error() == null).map(o -> o.seconds() * 1000)
        .toList();
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
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

  // ---- results ---------------------------------------------------------------------------------

  private void write(String startedAt, String loadAtStart, List<Run> promotionRuns,
      List<Run> baselineRuns, Map<String, Object> verification, double totalS) throws Exception {
    List<Double> rates = promotionRuns.stream().map(Run::perSecond).toList();
    List<Double> baseRates = baselineRuns.stream().map(Run::perSecond).toList();
    List<Double> p50s = promotionRuns.stream().map(r -> percentile(latenciesMs(r), 50)).toList();
    List<Double> p99s = promotionRuns.stream().map(r -> percentile(latenciesMs(r), 99)).toList();
    List<Double> baseP50s = baselineRuns.stream().map(r -> percentile(latenciesMs(r), 50))
        .toList();
    List<Double> baseP99s = baselineRuns.stream().map(r -> percentile(latenciesMs(r), 99))
        .toList();
    double ratio = median(rates) / median(baseRates);
    Map<String, Object> baseline = figure("plain Camunda one-service-task processes per second",
        "1/s", baseRates);
    Map<String, Object> rate = figure("promotions per second end to end", "1/s", rates);
    rate.put("higherIsBetter", true);
    rate.put("baseline", baseline);
    rate.put("ratio", round6(ratio));
    rate.put("target", null);
    rate.put("targetMet", null);
    Map<String, Object> p50 = figure("promotion latency p50", "ms", p50s);
    p50.put("higherIsBetter", false);
    p50.put("baseline", figure("plain Camunda process start latency p50", "ms", baseP50s));
    p50.put("ratio", round3(median(p50s) / median(baseP50s)));
    p50.put("target", null);
    p50.put("targetMet", null);
    Map<String, Object> p99 = figure("promotion latency p99", "ms", p99s);
    p99.put("higherIsBetter", false);
    p99.put("baseline", figure("plain Camunda process start latency p99", "ms", baseP99s));
    p99.put("ratio", round3(median(p99s) / median(baseP99s)));
    p99.put("target", null);
    p99.put("targetMet", null);

    List<Object> runs = new ArrayList<>();
    for (int i = 0; i < promotionRuns.size(); i++) {
      Run p = promotionRuns.get(i);
      Run b = baselineRuns.get(i);
      runs.add(ordered(
          "repeat", i + 1,
          "promotions", ordered("wallS", round3(p.wallS()), "perSecond", round3(p.perSecond()),
              "failed", p.failed(), "latencyMs", latenciesMs(p).stream().map(v -> round3(v))
                  .toList(), "phaseMsMedian", phases(p), "benchRequests", p.requests(),
              "engineCpuS", round3(p.cpuS()),
              "ids", p.outcomes().stream().map(Outcome::id).toList()),
          "baseline", ordered("wallS", round3(b.wallS()), "perSecond", round3(b.perSecond()),
              "failed", b.failed(), "latencyMsP50", round3(baseP50s.get(i)),
              "latencyMsP99", round3(baseP99s.get(i)), "benchRequests", b.requests(),
              "engineCpuS", round3(b.cpuS()))));
    }
    Map<String, Object> json = ordered(
        "benchmark", "promotions",
        "startedAt", startedAt,
        "figures", List.of(rate, p50, p99),
        "setup", ordered(
            "promotionsPerRun", promotions,
            "concurrency", concurrency,
            "repeats", repeats,
            "baselineProcessesPerRun", baselineProcesses,
            "pollMs", poll.toMillis(),
            "runtime", System.getenv().getOrDefault("BENCH_RUNTIME", "local"),
            "pipelines", concurrency + " (one per concurrent worker): dev (prompt: the bench's"
                + " snapshot) -> its own prod instance (protected: 2 approvals)",
            "setupS", setupS,
            "totalS", round3(totalS)),
        "machine", ordered(
            "cpus", Runtime.getRuntime().availableProcessors(),
            "loadAverageAtStart", loadAtStart,
            "loadAverageAtEnd", readFirstLine("/proc/loadavg"),
            "java", System.getProperty("java.vm.vendor") + " " + System.getProperty(
                "java.runtime.version")),
        "engine", ordered(
            "commit", System.getenv().getOrDefault("BENCH_ENGINE_COMMIT", "unknown"),
            "startupS", System.getenv().getOrDefault("BENCH_ENGINE_STARTUP_S", "")),
        "note", System.getenv().getOrDefault("BENCH_NOTE", ""),
        "verification", verification,
        "runs", runs,
        "errors", new ArrayList<>(errors));
    Files.createDirectories(results);
    Files.writeString(results.resolve("promotions.json"), toJson(json, "") + "\n");

    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Engine at commit %s; %s; load average %s at the start, %s at the end. %d promotions"
            + " per run at concurrency %d, %d baseline processes per run, %d repeats, state"
            + " polled every %d ms.%n%n",
        System.getenv().getOrDefault("BENCH_ENGINE_COMMIT", "unknown"),
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
        loadAtStart.split(" ")[0] + " " + loadAtStart.split(" ")[1],
        readFirstLine("/proc/loadavg").split(" ")[0], promotions, concurrency, baselineProcesses,
        repeats, poll.toMillis()));
    md.append("| repeat | promotions/s | p50 ms | p99 ms | to awaiting-approval ms | two approvals"
        + " ms | approved to completed ms | engine CPU s | bench requests | baseline processes/s"
        + " | baseline p50 ms | baseline p99 ms |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < promotionRuns.size(); i++) {
      Run p = promotionRuns.get(i);
      Run b = baselineRuns.get(i);
      Map<String, Object> ph = phases(p);
      md.append(String.format(Locale.ROOT, "| %d | %.3f | %.0f | %.0f | %s | %s | %s | %.1f | %d"
              + " | %.1f | %.1f | %.1f |%n", i + 1, p.perSecond(), p50s.get(i), p99s.get(i),
          fmt0(ph.get("requestToAwaitingApproval")), fmt0(ph.get("twoApprovals")),
          fmt0(ph.get("approvedToCompleted")), p.cpuS(), p.requests(), b.perSecond(),
          baseP50s.get(i), baseP99s.get(i)));
    }
    md.append("\n| figure | median | min | max |\n|---|---:|---:|---:|\n");
    for (Map<String, Object> f : List.of(rate, baseline, p50, p99)) {
      md.append(String.format(Locale.ROOT, "| %s (%s) | %s | %s | %s |%n", f.get("name"),
          f.get("unit"), fmt(f.get("median")), fmt(f.get("min")), fmt(f.get("max"))));
    }
    md.append(String.format(Locale.ROOT,
        "%n**Ratio: %.5f** (median promotions/s ÷ median plain Camunda processes/s; one promotion"
            + " costs as much wall time as about %.0f one-task processes).%n%n",
        ratio, 1 / ratio));
    md.append(String.format(Locale.ROOT,
        "Verified (warm-up included): %s of %s promotions `completed`, %s with exactly two"
            + " approvals from two people other than the requester; of %s prod instances, %s show"
            + " the snapshot as their `snapshotId`, %s run exactly the snapshot's nodes (Node-RED"
            + " Admin API) and %s answer its GET /hello. Errors: %d.%n",
        verification.get("completed"), verification.get("promotions"),
        verification.get("withTwoApprovalsOfTwoPeopleNotTheRequester"),
        verification.get("prodInstances"), verification.get("prodOnTheSnapshot"),
        verification.get("prodRunningTheSnapshotsNodes"), verification.get("prodAnsweringHello"),
        errors.size()));
    Files.writeString(results.resolve("promotions.md"), md.toString());
    System.out.println(md);
  }

  /** Median ms of each phase: request to awaiting-approval, the two approvals, to completed. */
  private static Map<String, Object> phases(Run run) {
    List<String> names = List.of("requestToAwaitingApproval", "twoApprovals",
        "approvedToCompleted");
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int at = i;
      out.put(names.get(i), round3(median(run.outcomes().stream()
          .filter(o -> o.phases() != null).map(o -> o.phases()[at] * 1000).toList())));
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
        "runs", runs.stream().map(PromotionBench::round3).toList());
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
    requests.incrementAndGet();
    HttpResponse<String> response = http.send(request.build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(response.statusCode(), response.body());
  }

  private static Response expect(Response response, int status, String what) {
    if (response.status() != status) {
      throw new Failure(what + ": expected " + status + ", got " + response.status() + " "
          + response.body());
    }
    return response;
  }

  private String created(Response response, int status) {
    return text(parseObject(expect(response, status, "create").body()), "id");
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  private static String enc(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** http in GET /hello → change (payload = answer) → http response, on tab "tab.hello". */
  static String helloFlows(String answer) {
    return "[{\"id\":\"tab.hello\",\"type\":\"tab\",\"label\":\"Hello\"},"
        + "{\"id\":\"hello-in\",\"type\":\"http in\",\"z\":\"tab.hello\",\"url\":\"/hello\","
        + "\"method\":\"get\",\"x\":100,\"y\":100,\"wires\":[[\"hello-text\"]]},"
        + "{\"id\":\"hello-text\",\"type\":\"change\",\"z\":\"tab.hello\",\"name\":\"answer\","
        + "\"rules\":[{\"t\":\"set\",\"p\":\"payload\",\"pt\":\"msg\",\"to\":\"" + answer
        + "\",\"tot\":\"str\"}],\"x\":300,\"y\":100,\"wires\":[[\"hello-out\"]]},"
        + "{\"id\":\"hello-out\",\"type\":\"http response\",\"z\":\"tab.hello\",\"x\":500,"
        + "\"y\":100,\"wires\":[]}]";
  }

  private List<String> instancesList() {
    List<String> all = new ArrayList<>(List.of(dev));
    all.addAll(prods);
    return all;
  }

  private static String firstError(Run run) {
    return run.outcomes().stream().map(Outcome::error).filter(e -> e != null).findFirst()
        .orElse("");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new Failure("not a JSON object: " + value);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static Double round3(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
  }

  private static Double round6(double value) {
    return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : null;
  }

  private static String fmt(Object value) {
    return value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
  }

  private static String fmt0(Object value) {
    return value instanceof Double d ? String.format(Locale.ROOT, "%.0f", d) : "-";
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
