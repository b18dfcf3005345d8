package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.device.sim.VirtualAgent;
import io.flowgate.engine.secret.SecretBox;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The benchmark of bench/rollout (not a test: surefire's default includes do not match the name,
 * and it runs only with {@code -Dbench=true}): 10,000 devices made in SQL, simulated agents polling
 * every 5 s ± 1 s in this JVM, then one-wave rollouts (waves [100]) and three-wave rollouts (waves
 * [1, 10, 100]) with successThreshold 95, errorThreshold 5, minFinished 20. Per wave: the time from
 * its start to its judgement (audit log), devices reached per minute, when the agents had the
 * snapshot (as the simulator sees them), the engine's CPU and the JVM's resident memory. Writes
 * rollout.json and rollout.md to {@code -Dbench.results}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class RolloutFleetBench extends DeviceTestSupport {

  private static final int DEVICES = Integer.getInteger("bench.devices", 10_000);
  private static final int REPEATS = Integer.getInteger("bench.repeats", 3);
  private static final String CREDENTIAL_SECRET = "bench-credential-secret";

  @Autowired DeviceService devices;
  @Autowired SecretBox secrets;

  @DynamicPropertySource
  static void jobsRun(DynamicPropertyRegistry registry) {
    registry.add("camunda.bpm.job-execution.enabled", () -> "true");
  }

  @Test
  void rolloutsOfTenThousandSimulatedDevices() throws Exception {
    List<String> ids = insertDevices();
    List<DeviceSimulator.Credentials> fleet =
        ids.stream()
            .map(
                id ->
                    new DeviceSimulator.Credentials(
                        id, "fgd_" + (md5(id) + md5(id + "x")).substring(0, 43), CREDENTIAL_SECRET))
            .toList();
    String group =
        expect(
                post(
                    "/api/v1/applications/" + application + "/device-groups",
                    as(owner),
                    body("name", "Bench fleet", "deviceIds", ids, "env", List.of())),
                201)
            .json()
            .path("id")
            .asText();
    List<String> snapshots = new ArrayList<>();
    for (int i = 0; i <= 2 * REPEATS; i++) {
      snapshots.add(snapshot("bench-" + i, Integer.toString(i)));
    }
    removeInstances();
    DeviceSimulator.Settings settings =
        DeviceSimulator.Settings.of(forgeUrl())
            .interval(Duration.ofSeconds(5), Duration.ofSeconds(2));
    List<Map<String, Object>> rollouts = new ArrayList<>();
    Map<String, Object> idle;
    try (DeviceSimulator simulator = new DeviceSimulator(settings, fleet).start()) {
      say("simulator started; 40 s of heartbeats before the first rollout");
      Thread.sleep(40_000);
      idle = cpuOver(Duration.ofSeconds(10));
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
      }
      long fatal = simulator.agents().stream().filter(a -> a.fatal() != null).count();
      long failedRequests =
          simulator.agents().stream().mapToLong(VirtualAgent::failedRequests).sum();
      say("agents that stopped: " + fatal + ", failed requests: " + failedRequests);
      write(idle, rollouts, fatal, failedRequests, simulator.heartbeats());
      assertThat(fatal).isZero();
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

  private List<String> insertDevices() {
    String seed = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(4));
    String sealed = secrets.encrypt(CREDENTIAL_SECRET);
    long start = System.nanoTime();
    jdbc.sql(
            "insert into flowgate.token (id, kind, name, hash, organization_id, team_id,"
                + " subject_id, created_at, created_by)"
                + " select substr(md5(:seed || 't' || g), 1, 16), 'device', 'device ' || g,"
                + " encode(sha256(convert_to('fgd_' || substr(md5(substr(md5(:seed || 'd' || g),"
                + " 1, 16)) || md5(substr(md5(:seed || 'd' || g), 1, 16) || 'x'), 1, 43), 'UTF8')),"
                + " 'hex'), :org, :team, substr(md5(:seed || 'd' || g), 1, 16), now(), 'bench'"
                + " from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("n", DEVICES)
        .update();
    jdbc.sql(
            "insert into flowgate.device (id, organization_id, team_id, application_id, name,"
                + " type, token_id, credential_secret, settings_hash, live_changed_at, created_at,"
                + " created_by) select substr(md5(:seed || 'd' || g), 1, 16), :org, :team, :app,"
                + " 'bench-' || lpad(g::text, 5, '0'), 'sim', substr(md5(:seed || 't' || g), 1,"
                + " 16), :secret, repeat('0', 64), now(), now(), 'bench'"
                + " from generate_series(1, :n) g")
        .param("seed", seed)
        .param("org", organization)
        .param("team", team)
        .param("app", application)
        .param("secret", sealed)
        .param("n", DEVICES)
        .update();
    List<String> ids =
        jdbc.sql("select id from flowgate.device where team_id = ? order by id")
            .param(team)
            .query(String.class)
            .list();
    devices.recomputeSettings(ids);
    say(ids.size() + " devices in " + (System.nanoTime() - start) / 1_000_000 + " ms (SQL)");
    return ids;
  }

  /** One rollout, watched every 100 ms until it ends; its waves' times from the audit log. */
  private Map<String, Object> measure(
      String group, String snapshot, List<Integer> waves, DeviceSimulator simulator, String name)
      throws Exception {
    Cpu before = Cpu.now();
    long rssMax = 0;
    Instant requested = Instant.now();
    String rollout =
        expect(
                post(
                    "/api/v1/device-groups/" + group + "/rollouts",
                    as(owner),
                    body(
                        "snapshotId",
                        snapshot,
                        "waves",
                        waves,
                        "successThreshold",
                        95,
                        "errorThreshold",
                        5,
                        "minFinished",
                        20,
                        "waveTimeout",
                        "PT5M",
                        "waitBetweenWaves",
                        "PT0S",
                        "manualGate",
                        false)),
                202)
            .json()
            .path("id")
            .asText();
    JsonNode view;
    Instant allHave = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
    while (true) {
      view = get("/api/v1/rollouts/" + rollout, as(owner)).json();
      rssMax = Math.max(rssMax, rssKb());
      if (allHave == null
          && simulator.agents().stream().allMatch(a -> snapshot.equals(a.snapshot()))) {
        allHave = Instant.now();
      }
      String state = view.path("state").asText();
      if (List.of("completed", "rolled-back", "aborted", "failed").contains(state)) {
        break;
      }
      assertThat(System.nanoTime()).as("rollout " + rollout + " ended").isLessThan(deadline);
      Thread.sleep(100);
    }
    Cpu after = Cpu.now();
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
    result.put("jvmRssMaxMiB", rssMax / 1024);
    say(name + ": " + result);
    return result;
  }

  private static Double seconds(Instant from, Instant to) {
    return from == null || to == null
        ? null
        : Math.round(Duration.between(from, to).toMillis() / 10.0) / 100.0;
  }

  private static Map<String, Object> cpuOver(Duration duration) throws InterruptedException {
    Cpu before = Cpu.now();
    Thread.sleep(duration);
    Map<String, Object> idle = before.until(Cpu.now());
    idle.put("jvmRssMiB", rssKb() / 1024);
    return idle;
  }

  /**
   * CPU of this JVM split by thread names: the simulator's threads (its scheduler, the HTTP
   * client's, the carriers of its virtual threads) and the bench's own thread against the rest,
   * which is the engine. Plus the whole machine's busy time from /proc/stat.
   */
  private record Cpu(
      long nanos, long process, long simulator, long machineBusy, long machineTotal) {

    static Cpu now() {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long simulator = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        String name = info.getThreadName();
        if (name.startsWith("device-simulator")
            || name.startsWith("HttpClient-")
            || name.startsWith("ForkJoinPool-")
            || name.equals("main")) {
          long cpu = threads.getThreadCpuTime(info.getThreadId());
          simulator += Math.max(0, cpu);
        }
      }
      long process =
          ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getProcessCpuTime();
      long busy = 0;
      long total = 0;
      try {
        String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        for (int i = 1; i <= 8 && i < fields.length; i++) {
          long v = Long.parseLong(fields[i]);
          total += v;
          if (i != 4 && i != 5) {
            busy += v;
          }
        }
      } catch (IOException e) {
        // not Linux: no machine figures
      }
      return new Cpu(System.nanoTime(), process, simulator, busy, total);
    }

    Map<String, Object> until(Cpu later) {
      double wall = (later.nanos - nanos) / 1e9;
      double jvm = (later.process - process) / 1e9;
      double sim = (later.simulator - simulator) / 1e9;
      double machine = (later.machineBusy - machineBusy) / 100.0;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("seconds", round(wall));
      out.put("engineCpuSeconds", round(jvm - sim));
      out.put("engineCpuCores", round((jvm - sim) / wall));
      out.put("simulatorCpuCores", round(sim / wall));
      out.put("machineBusyCores", round(machine / wall));
      return out;
    }

    private static double round(double value) {
      return Math.round(value * 100) / 100.0;
    }
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return 0;
  }

  private void write(
      Map<String, Object> idle,
      List<Map<String, Object>> rollouts,
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
            ", engine and simulator in one test JVM (embedded PostgreSQL), job executor on,"
                + " production job acquisition settings\n- ")
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
        .append(" cores busy, JVM RSS ")
        .append(idle.get("jvmRssMiB"))
        .append(" MiB\n- agents that stopped: ")
        .append(fatal)
        .append(", failed agent requests: ")
        .append(failedRequests)
        .append("\n\nMedian (min-max) over ")
        .append(REPEATS)
        .append(" rollouts of each kind:\n\n")
        .append(
            "| rollout | wave | devices | start to judged s | devices/min | gap before start s"
                + " | request to all agents on snapshot s | request to finished s | engine CPU"
                + " cores | simulator CPU cores | machine busy cores | JVM RSS max MiB |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
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
                  "engineCpuCores",
                  "simulatorCpuCores",
                  "machineBusyCores",
                  "jvmRssMaxMiB")) {
            whole.set(key, stats(runs, key));
          }
          md.append(cell(whole.path("requestToAllAgentsHaveSnapshotSeconds")))
              .append(" | ")
              .append(cell(whole.path("requestToFinishedSeconds")))
              .append(" | ")
              .append(cell(whole.path("engineCpuCores")))
              .append(" | ")
              .append(cell(whole.path("simulatorCpuCores")))
              .append(" | ")
              .append(cell(whole.path("machineBusyCores")))
              .append(" | ")
              .append(cell(whole.path("jvmRssMaxMiB")))
              .append(" |\n");
        } else {
          md.append(" | | | | | |\n");
        }
      }
    }
    doc.set("rollouts", JSON.valueToTree(rollouts));
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

  private static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("MD5")
                  .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void say(String text) {
    System.out.println("bench: " + text);
  }
}
