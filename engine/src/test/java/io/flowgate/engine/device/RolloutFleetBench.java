package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.device.sim.FleetProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The benchmark of bench/rollout (not a test: surefire's default includes do not match the name,
 * and it runs only with {@code -Dbench=true}): 10,000 devices made in SQL, simulated agents polling
 * every 5 s ± 1 s in a JVM of their own ({@link RemoteFleet}), then one-wave rollouts (waves [100])
 * and three-wave rollouts (waves [1, 10, 100]) with successThreshold 95, errorThreshold 5,
 * minFinished 20. Per wave: the time from its start to its judgement (audit log), devices reached
 * per minute, when the agents had the snapshot (as the simulator sees them), heartbeat latency as
 * the agents saw it, the CPU and resident memory of the engine and of the simulator.
 *
 * <p>The baseline, in the same run: after each pair of rollouts, a new snapshot is set as the
 * target of all the devices directly, the way a wave sets it ({@link
 * DeviceService#setTarget(java.util.Collection, String)} in chunks of 1,000 in one transaction, as
 * {@code RolloutSteps.startWave} does) but without the process, its plan, audit and judgement, and
 * timed until every agent runs it. Writes rollout.json and rollout.md to {@code -Dbench.results}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class RolloutFleetBench extends DeviceTestSupport {

  private static final int DEVICES = Integer.getInteger("bench.devices", 10_000);
  private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
  private static final int FLEET_WARMUP_SECONDS = Integer.getInteger("bench.fleetWarmup", 40);
  private static final String CREDENTIAL_SECRET = "bench-credential-secret";

  @Autowired private DeviceService deviceService;
  @Autowired private PlatformTransactionManager transactions;

  @DynamicPropertySource
  static void jobsRun(DynamicPropertyRegistry registry) {
    registry.add("camunda.bpm.job-execution.enabled", () -> "true");
  }

  @Test
  void rolloutsOfTenThousandSimulatedDevices() throws Exception {
    List<DeviceSimulator.Credentials> fleet = insertFleet(DEVICES, CREDENTIAL_SECRET);
    List<String> ids = fleet.stream().map(DeviceSimulator.Credentials::deviceId).toList();
    String group = group("Bench fleet", ids);
    List<String> snapshots = new ArrayList<>();
    for (int i = 0; i <= 3 * REPEATS; i++) {
      snapshots.add(snapshot("bench-" + i, Integer.toString(i)));
    }
    removeInstances();
    List<Map<String, Object>> rollouts = new ArrayList<>();
    List<Map<String, Object>> direct = new ArrayList<>();
    Map<String, Object> idle;
    try (RemoteFleet simulator = RemoteFleet.start(forgeUrl().toString(), fleet)) {
      say(
          "simulator started in its own JVM; "
              + FLEET_WARMUP_SECONDS
              + " s of heartbeats before the first rollout");
      Thread.sleep(FLEET_WARMUP_SECONDS * 1000L);
      simulator.latency();
      idle = cpuOver(Duration.ofSeconds(10), simulator);
      idle.putAll(simulator.latency());
      say("idle fleet (heartbeats only): " + idle);
      int next = 0;
      say("warm-up: one untimed one-wave rollout");
      measure(group, snapshots.get(next++), List.of(100), simulator, "warm-up");
      for (int repeat = 1; repeat <= REPEATS; repeat++) {
        rollouts.add(
            measure(group, snapshots.get(next++), List.of(100), simulator, "one wave " + repeat));
        rollouts.add(
            measure(
                group,
                snapshots.get(next++),
                List.of(1, 10, 100),
                simulator,
                "three waves " + repeat));
        direct.add(direct(ids, snapshots.get(next++), simulator, "direct " + repeat));
      }
      long[] stats = simulator.stats();
      say("agents that stopped: " + stats[0] + ", failed requests: " + stats[1]);
      say("the agents' last errors: " + simulator.errors());
      write(idle, rollouts, direct, stats[0], stats[1], stats[2]);
      assertThat(stats[0]).isZero();
    }
  }

  /**
   * The simulated fleet ({@link FleetProcess}) in a JVM of its own: its CPU and memory are its own,
   * not the engine's, as they would be on another machine.
   */
  static final class RemoteFleet implements AutoCloseable {

    private final Process process;
    private final java.io.BufferedReader answers;
    private final java.io.PrintWriter commands;

    private RemoteFleet(Process process) {
      this.process = process;
      this.answers =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.commands =
          new java.io.PrintWriter(
              new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
              true);
    }

    static RemoteFleet start(String forgeUrl, List<DeviceSimulator.Credentials> fleet)
        throws IOException {
      Path credentials = Files.createTempFile("fleet", ".txt");
      credentials.toFile().deleteOnExit();
      StringBuilder lines = new StringBuilder();
      for (DeviceSimulator.Credentials device : fleet) {
        lines
            .append(device.deviceId())
            .append(' ')
            .append(device.token())
            .append(' ')
            .append(device.credentialSecret())
            .append('\n');
      }
      Files.writeString(credentials, lines);
      String java = ProcessHandle.current().info().command().orElse("java");
      Process process =
          new ProcessBuilder(
                  java,
                  "-Xmx1g",
                  "-cp",
                  System.getProperty("java.class.path"),
                  FleetProcess.class.getName(),
                  forgeUrl,
                  "5000",
                  "2000",
                  credentials.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      RemoteFleet remote = new RemoteFleet(process);
      String first = remote.answers.readLine();
      if (first == null || !first.startsWith("started")) {
        process.destroyForcibly();
        throw new IllegalStateException("the simulator did not start: " + first);
      }
      return remote;
    }

    private synchronized String[] ask(String command) throws IOException {
      commands.println(command);
      String answer = answers.readLine();
      if (answer == null) {
        throw new IllegalStateException("the simulator ended (exit " + process.exitValue() + ")");
      }
      return answer.split(" ");
    }

    long count(String snapshot) throws IOException {
      return Long.parseLong(ask("count " + snapshot)[1]);
    }

    /** Heartbeat p50 and p99 as the agents saw them since the last call, and their number. */
    Map<String, Object> latency() throws IOException {
      String[] answer = ask("latency");
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("heartbeatP50Ms", Double.parseDouble(answer[1]));
      out.put("heartbeatP99Ms", Double.parseDouble(answer[2]));
      out.put("heartbeats", Long.parseLong(answer[3]));
      return out;
    }

    /** Agents stopped for good, failed requests, heartbeats. */
    long[] stats() throws IOException {
      String[] answer = ask("stats");
      return new long[] {
        Long.parseLong(answer[1]), Long.parseLong(answer[2]), Long.parseLong(answer[3])
      };
    }

    /** The agents' last errors and how many have each, for the log. */
    String errors() throws IOException {
      return String.join(" ", ask("errors"));
    }

    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      commands.println("stop");
      try {
        if (process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }

  /**
   * The instances the snapshots were imported into are not needed: removed (and waited for) before
   * the simulator starts, so their Node-RED does not run during the measurements.
   */
  private void removeInstances() throws InterruptedException {
    List<String> instances =
        jdbc.sql("select id from flowgate.instance where team_id = ?")
            .param(team)
            .query(String.class)
            .list();
    long settled = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    for (String instance : instances) {
      // a delete while the instance is still being provisioned races with its container's creation
      while ("provisioning"
              .equals(get("/api/v1/instances/" + instance, as(owner)).json().path("state").asText())
          && System.nanoTime() < settled) {
        Thread.sleep(250);
      }
    }
    for (String instance : instances) {
      int status = delete("/api/v1/instances/" + instance, as(owner)).status();
      assertThat(status).as("DELETE instance " + instance).isIn(202, 204, 404);
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    int left = 0;
    for (String instance : instances) {
      while (get("/api/v1/instances/" + instance, as(owner)).status() != 404) {
        if (System.nanoTime() > deadline) {
          left++;
          break;
        }
        Thread.sleep(250);
      }
    }
    say(instances.size() + " instances deleted, " + left + " of them not gone after 2 minutes");
  }

  /** One rollout, watched every 100 ms until it ends; its waves' times from the audit log. */
  private Map<String, Object> measure(
      String group, String snapshot, List<Integer> waves, RemoteFleet simulator, String name)
      throws Exception {
    simulator.latency();
    Cpu before = Cpu.now(simulator);
    long rssMax = 0;
    long simulatorRssMax = 0;
    Instant requested = Instant.now();
    String rollout =
        expect(
                post(
                    "/api/v1/device-groups/" + group + "/rollouts",
                    as(owner),
                    rolloutRequest(snapshot, waves, "PT5M", "PT0S")),
                202)
            .json()
            .path("id")
            .asText();
    JsonNode view;
    Instant allHave = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    while (true) {
      view = get("/api/v1/rollouts/" + rollout, as(owner)).json();
      rssMax = Math.max(rssMax, rssKb("self"));
      simulatorRssMax = Math.max(simulatorRssMax, rssKb(Long.toString(simulator.pid())));
      if (allHave == null && simulator.count(snapshot) == DEVICES) {
        allHave = Instant.now();
      }
      String state = view.path("state").asText();
      if (List.of("completed", "rolled-back", "aborted", "failed").contains(state)) {
        break;
      }
      assertThat(System.nanoTime()).as("rollout " + rollout + " ended").isLessThan(deadline);
      Thread.sleep(100);
    }
    Cpu after = Cpu.now(simulator);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", name);
    result.put("rollout", rollout);
    result.put("waves", waves);
    result.put("state", view.path("state").asText());
    List<Map<String, Object>> events =
        jdbc.sql(
                "select action, occurred_at, details::text as details from flowgate.audit_log"
                    + " where entity_type = 'rollout' and entity_id = ? order by seq")
            .param(rollout)
            .query()
            .listOfRows();
    Instant planned = null;
    Instant finished = null;
    Map<Integer, Instant> started = new LinkedHashMap<>();
    Map<Integer, Instant> judged = new LinkedHashMap<>();
    Map<Integer, String> outcomes = new LinkedHashMap<>();
    for (Map<String, Object> event : events) {
      Instant at = ((java.sql.Timestamp) event.get("occurred_at")).toInstant();
      JsonNode details = JSON.readTree((String) event.get("details"));
      switch ((String) event.get("action")) {
        case "rollout.planned" -> planned = at;
        case "rollout.wave-started" -> started.put(details.path("wave").asInt(), at);
        case "rollout.wave-judged" -> {
          judged.put(details.path("wave").asInt(), at);
          outcomes.put(details.path("wave").asInt(), details.path("outcome").asText());
        }
        default -> finished = at;
      }
    }
    result.put("requestToPlannedSeconds", seconds(requested, planned));
    List<Map<String, Object>> waveResults = new ArrayList<>();
    Instant previous = planned;
    for (JsonNode wave : view.path("waves")) {
      int number = wave.path("wave").asInt();
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("wave", number);
      w.put("targeted", wave.path("targeted").asInt());
      w.put("succeeded", wave.path("succeeded").asInt());
      w.put("failed", wave.path("failed").asInt());
      w.put("timedOut", wave.path("timedOut").asInt());
      w.put("outcome", outcomes.get(number));
      w.put("gapBeforeStartSeconds", seconds(previous, started.get(number)));
      Double wall = seconds(started.get(number), judged.get(number));
      w.put("startToJudgedSeconds", wall);
      w.put(
          "devicesPerMinute",
          wall == null || wall == 0 ? null : Math.round(wave.path("targeted").asInt() * 60 / wall));
      waveResults.add(w);
      previous = judged.get(number);
    }
    result.put("waveResults", waveResults);
    result.put("requestToFinishedSeconds", seconds(requested, finished));
    result.put("requestToAllAgentsHaveSnapshotSeconds", seconds(requested, allHave));
    result.putAll(before.until(after));
    result.putAll(simulator.latency());
    result.put("engineRssMaxMiB", rssMax / 1024);
    result.put("simulatorRssMaxMiB", simulatorRssMax / 1024);
    say(name + ": " + result);
    if (!"completed".equals(result.get("state"))) {
      say("the agents' last errors: " + simulator.errors());
    }
    return result;
  }

  /**
   * The baseline: the snapshot set as every device's target directly, as a wave sets it, without
   * the rollout process; timed until every simulated agent runs it.
   */
  private Map<String, Object> direct(
      List<String> ids, String snapshot, RemoteFleet simulator, String name) throws Exception {
    simulator.latency();
    Cpu before = Cpu.now(simulator);
    long rssMax = 0;
    long simulatorRssMax = 0;
    Instant requested = Instant.now();
    new TransactionTemplate(transactions)
        .executeWithoutResult(
            status -> {
              for (int from = 0; from < ids.size(); from += 1000) {
                deviceService.setTarget(
                    ids.subList(from, Math.min(ids.size(), from + 1000)), snapshot);
              }
            });
    Instant set = Instant.now();
    Instant allHave;
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    while (true) {
      rssMax = Math.max(rssMax, rssKb("self"));
      simulatorRssMax = Math.max(simulatorRssMax, rssKb(Long.toString(simulator.pid())));
      if (simulator.count(snapshot) == DEVICES) {
        allHave = Instant.now();
        break;
      }
      assertThat(System.nanoTime()).as(name + ": all agents on the snapshot").isLessThan(deadline);
      Thread.sleep(100);
    }
    Cpu after = Cpu.now(simulator);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", name);
    result.put("setTargetsSeconds", seconds(requested, set));
    Double wall = seconds(requested, allHave);
    result.put("requestToAllAgentsHaveSnapshotSeconds", wall);
    result.put(
        "devicesPerMinute", wall == null || wall == 0 ? null : Math.round(DEVICES * 60 / wall));
    result.putAll(before.until(after));
    result.putAll(simulator.latency());
    result.put("engineRssMaxMiB", rssMax / 1024);
    result.put("simulatorRssMaxMiB", simulatorRssMax / 1024);
    say(name + ": " + result);
    return result;
  }

  private static Double seconds(Instant from, Instant to) {
    return from == null || to == null
        ? null
        : Math.round(Duration.between(from, to).toMillis() / 10.0) / 100.0;
  }

  private static Map<String, Object> cpuOver(Duration duration, RemoteFleet simulator)
      throws InterruptedException {
    Cpu before = Cpu.now(simulator);
    Thread.sleep(duration);
    Map<String, Object> idle = before.until(Cpu.now(simulator));
    idle.put("engineRssMiB", rssKb("self") / 1024);
    idle.put("simulatorRssMiB", rssKb(Long.toString(simulator.pid())) / 1024);
    return idle;
  }

  /**
   * CPU of this JVM (the engine; the bench's own thread is left out), of the simulator's JVM (from
   * /proc) and of the whole machine (/proc/stat).
   */
  private record Cpu(
      long nanos, long process, long simulator, long machineBusy, long machineTotal) {

    static Cpu now(RemoteFleet fleet) {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long bench = threads.getCurrentThreadCpuTime();
      long process =
          ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()
              - bench;
      long simulator = 0;
      long busy = 0;
      long total = 0;
      try {
        // utime and stime, fields 14 and 15, in clock ticks (100 a second)
        String stat = Files.readString(Path.of("/proc/" + fleet.pid() + "/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        simulator = (Long.parseLong(after[11]) + Long.parseLong(after[12])) * 10_000_000L;
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        for (int i = 1; i <= 8 && i < fields.length; i++) {
          long v = Long.parseLong(fields[i]);
          total += v;
          if (i != 4 && i != 5) {
            busy += v;
          }
        }
      } catch (IOException e) {
        // not Linux: no simulator or machine figures
      }
      return new Cpu(System.nanoTime(), process, simulator, busy, total);
    }

    Map<String, Object> until(Cpu later) {
      double wall = (later.nanos - nanos) / 1e9;
      double engine = (later.process - process) / 1e9;
      double sim = (later.simulator - simulator) / 1e9;
      double machine = (later.machineBusy - machineBusy) / 100.0;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("seconds", round(wall));
      out.put("engineCpuSeconds", round(engine));
      out.put("engineCpuCores", round(engine / wall));
      out.put("simulatorCpuCores", round(sim / wall));
      out.put("machineBusyCores", round(machine / wall));
      return out;
    }

    private static double round(double value) {
      return Math.round(value * 100) / 100.0;
    }
  }

  /** VmRSS of a process ("self" or a pid) in KiB. */
  private static long rssKb(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // not Linux, or the process is gone
    }
    return 0;
  }

  private void write(
      Map<String, Object> idle,
      List<Map<String, Object>> rollouts,
      List<Map<String, Object>> direct,
      long fatal,
      long failedRequests,
      long heartbeats)
      throws IOException {
    Path dir = Path.of(System.getProperty("bench.results", "target/bench"));
    Files.createDirectories(dir);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("date", Instant.now().toString());
    doc.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " CPUs, JDK "
            + System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version"));
    doc.put("engineCommit", System.getProperty("bench.commit", "unknown"));
    doc.put("note", System.getProperty("bench.note", ""));
    doc.put("devices", DEVICES);
    doc.put("pollInterval", "5 s ± 1 s");
    doc.put("agentsStopped", fatal);
    doc.put("failedAgentRequests", failedRequests);
    doc.put("heartbeats", heartbeats);
    doc.set("idleFleet", JSON.valueToTree(idle));
    ArrayNode summary = doc.putArray("summary");
    StringBuilder md = new StringBuilder();
    md.append("# Rollout benchmark\n\n")
        .append("- date: ")
        .append(doc.path("date").asText())
        .append("\n- machine: ")
        .append(doc.path("machine").asText())
        .append("\n- engine commit ")
        .append(doc.path("engineCommit").asText())
        .append(
            ", engine in the test JVM (embedded PostgreSQL, job executor on, production job"
                + " acquisition settings), simulator in a JVM of its own on the same machine\n- ")
        .append(DEVICES)
        .append(
            " simulated agents polling every 5 s ± 1 s; successThreshold 95, errorThreshold 5,"
                + " minFinished 20, waitBetweenWaves PT0S\n");
    if (!doc.path("note").asText().isEmpty()) {
      md.append("- ").append(doc.path("note").asText()).append('\n');
    }
    md.append("- idle fleet (heartbeats only, ~2,000/s): engine ")
        .append(idle.get("engineCpuCores"))
        .append(" cores, simulator ")
        .append(idle.get("simulatorCpuCores"))
        .append(" cores, machine ")
        .append(idle.get("machineBusyCores"))
        .append(" cores busy, heartbeat p50 ")
        .append(idle.get("heartbeatP50Ms"))
        .append(" ms, p99 ")
        .append(idle.get("heartbeatP99Ms"))
        .append(" ms (as the agents saw them), engine RSS ")
        .append(idle.get("engineRssMiB"))
        .append(" MiB, simulator RSS ")
        .append(idle.get("simulatorRssMiB"))
        .append(" MiB\n- agents that stopped: ")
        .append(fatal)
        .append(", failed agent requests: ")
        .append(failedRequests)
        .append("\n\nMedian (min-max) over ")
        .append(REPEATS)
        .append(" rollouts of each kind:\n\n")
        .append(
            "| rollout | wave | devices | start to judged s | devices/min | gap before start s"
                + " | request to all agents on snapshot s | request to finished s | heartbeat p99"
                + " ms | engine CPU cores | simulator CPU cores | machine busy cores | engine RSS"
                + " max MiB |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String kind : List.of("one wave", "three waves")) {
      List<Map<String, Object>> runs =
          rollouts.stream().filter(r -> ((String) r.get("name")).startsWith(kind)).toList();
      @SuppressWarnings("unchecked")
      int waveCount = ((List<Map<String, Object>>) runs.get(0).get("waveResults")).size();
      for (int w = 0; w < waveCount; w++) {
        int index = w;
        List<Map<String, Object>> waveRuns =
            runs.stream()
                .map(
                    r -> {
                      @SuppressWarnings("unchecked")
                      List<Map<String, Object>> list =
                          (List<Map<String, Object>>) r.get("waveResults");
                      return list.get(index);
                    })
                .toList();
        ObjectNode row = summary.addObject();
        row.put("rollout", kind);
        row.put("wave", w + 1);
        row.put("devices", ((Number) waveRuns.get(0).get("targeted")).intValue());
        row.set("startToJudgedSeconds", stats(waveRuns, "startToJudgedSeconds"));
        row.set("devicesPerMinute", stats(waveRuns, "devicesPerMinute"));
        row.set("gapBeforeStartSeconds", stats(waveRuns, "gapBeforeStartSeconds"));
        boolean last = w == waveCount - 1;
        md.append("| ")
            .append(w == 0 ? kind : "")
            .append(" | ")
            .append(w + 1)
            .append(" | ")
            .append(row.path("devices").asInt())
            .append(" | ")
            .append(cell(row.path("startToJudgedSeconds")))
            .append(" | ")
            .append(cell(row.path("devicesPerMinute")))
            .append(" | ")
            .append(cell(row.path("gapBeforeStartSeconds")))
            .append(" | ");
        if (last) {
          ObjectNode whole = row.putObject("rollout");
          for (String key :
              List.of(
                  "requestToAllAgentsHaveSnapshotSeconds",
                  "requestToFinishedSeconds",
                  "heartbeatP99Ms",
                  "engineCpuCores",
                  "simulatorCpuCores",
                  "machineBusyCores",
                  "engineRssMaxMiB")) {
            whole.set(key, stats(runs, key));
          }
          md.append(cell(whole.path("requestToAllAgentsHaveSnapshotSeconds")))
              .append(" | ")
              .append(cell(whole.path("requestToFinishedSeconds")))
              .append(" | ")
              .append(cell(whole.path("heartbeatP99Ms")))
              .append(" | ")
              .append(cell(whole.path("engineCpuCores")))
              .append(" | ")
              .append(cell(whole.path("simulatorCpuCores")))
              .append(" | ")
              .append(cell(whole.path("machineBusyCores")))
              .append(" | ")
              .append(cell(whole.path("engineRssMaxMiB")))
              .append(" |\n");
        } else {
          md.append(" | | | | | | |\n");
        }
      }
    }
    ObjectNode directSummary = doc.putObject("directSummary");
    for (String key :
        List.of(
            "setTargetsSeconds",
            "requestToAllAgentsHaveSnapshotSeconds",
            "devicesPerMinute",
            "heartbeatP99Ms",
            "engineCpuCores",
            "machineBusyCores")) {
      directSummary.set(key, stats(direct, key));
    }
    md.append("\nBaseline, the same snapshot set as every device's target directly (as a wave sets")
        .append(" it, without the process): targets set in ")
        .append(cell(directSummary.path("setTargetsSeconds")))
        .append(" s, all agents on the snapshot after ")
        .append(cell(directSummary.path("requestToAllAgentsHaveSnapshotSeconds")))
        .append(" s, ")
        .append(cell(directSummary.path("devicesPerMinute")))
        .append(" devices/min, heartbeat p99 ")
        .append(cell(directSummary.path("heartbeatP99Ms")))
        .append(" ms, engine ")
        .append(cell(directSummary.path("engineCpuCores")))
        .append(" cores, machine ")
        .append(cell(directSummary.path("machineBusyCores")))
        .append(" cores busy.\n");
    doc.set("rollouts", JSON.valueToTree(rollouts));
    doc.set("direct", JSON.valueToTree(direct));
    Files.writeString(
        dir.resolve("rollout.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n",
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("rollout.md"), md.toString(), StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static ObjectNode stats(List<Map<String, Object>> runs, String key) {
    List<Double> values =
        runs.stream()
            .map(r -> r.get(key))
            .filter(v -> v instanceof Number)
            .map(v -> ((Number) v).doubleValue())
            .sorted()
            .toList();
    ObjectNode out = JSON.createObjectNode();
    if (values.isEmpty()) {
      return out;
    }
    int n = values.size();
    double median =
        n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    out.put("median", median);
    out.put("min", values.get(0));
    out.put("max", values.get(n - 1));
    return out;
  }

  private static String cell(JsonNode stats) {
    if (!stats.has("median")) {
      return "-";
    }
    return fmt(stats.path("median").asDouble())
        + " ("
        + fmt(stats.path("min").asDouble())
        + "-"
        + fmt(stats.path("max").asDouble())
        + ")";
  }

  private static String fmt(double value) {
    return value >= 100 ? String.format("%,.0f", value) : String.format("%.2f", value);
  }

  private static void say(String text) {
    System.out.println("bench: " + text);
  }
}
