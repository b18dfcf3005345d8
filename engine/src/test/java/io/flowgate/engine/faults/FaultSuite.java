package io.flowgate.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.device.sim.DeviceSimulator;
import io.flowgate.engine.instance.CallbackReceiver;
import io.flowgate.engine.instance.DockerDaemon;
import io.flowgate.engine.promotion.HelloFlows;
import io.flowgate.engine.testing.PipelineRequests;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The fault suite ({@code ./flowgate faults}): Flowgate engine nodes started from the built jar as
 * operators start them, on a PostgreSQL and an S3 server of the suite's own, with real Docker
 * instances and simulated device agents. Each scenario breaks something at a named point ({@code
 * kill -9} of the engine after a step's work but before it commits, or while a process waits; the
 * object store mid-upload; PostgreSQL; the Docker daemon; one of two nodes) and then checks that
 * the process finished or ended in an explained state and that nothing was left behind ({@link
 * Leftovers}). It prints how many fault points it tried and how many were survived.
 */
@EnabledIfSystemProperty(named = "faults", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuite {

  private static final String ADMIN_PASSWORD = "fault-suite-admin-password";
  private static final String PASSWORD = "fault-suite-user-password";
  private static final int FIRST_PORT = 19500;
  private static final int LAST_PORT = 19599;

  /** Job lock time of the nodes: how long a job of a dead node waits for another node. */
  private static final Duration LOCK_TIME = Duration.ofSeconds(60);

  private static final Duration STEP = Duration.ofMinutes(4);
  private static final Duration SETTLE = Duration.ofMinutes(5);

  private final FaultTally tally = new FaultTally();
  private final AtomicReference<EngineNode> serving = new AtomicReference<>();
  private Path work;
  private int databasePort;
  private EmbeddedPostgres postgres;
  private ObjectStoreOutage objectStore;
  private Leftovers leftovers;
  private EngineNode nodeA;
  private EngineNode nodeB;
  private FlowgateClient admin;
  private FlowgateClient owner;
  private FlowgateClient approver1;
  private FlowgateClient approver2;
  private String team;
  private String application;
  private CallbackReceiver callbacks;
  private DeviceSimulator fleet;
  private String devInstance;
  private String prodInstance;
  private String devSnapshot;
  private String group;

  @BeforeAll
  void aDatabaseAnObjectStoreAndANode() throws Exception {
    Path jar = Path.of(System.getProperty("faults.jar", "target/flowgate-engine.jar"));
    assertThat(jar).as("the engine jar (./flowgate build makes it)").isRegularFile();
    assertThat(DockerDaemon.whyNotControllable()).as("a dockerd the suite may stop").isEmpty();
    work = Files.createTempDirectory("flowgate-faults-");
    databasePort = freePort();
    postgres = startPostgres();
    objectStore = new ObjectStoreOutage(work.resolve("objects"));
    leftovers = new Leftovers(this::jdbcUrl, objectStore, FIRST_PORT, LAST_PORT);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FLOWGATE_DB_URL", jdbcUrl());
    env.put("FLOWGATE_DB_USER", "postgres");
    env.put("FLOWGATE_DB_PASSWORD", "postgres");
    env.put("FLOWGATE_S3_ENDPOINT", objectStore.endpoint().toString());
    env.put("FLOWGATE_S3_ACCESS_KEY", ObjectStoreOutage.ACCESS_KEY);
    env.put("FLOWGATE_S3_SECRET_KEY", ObjectStoreOutage.SECRET_KEY);
    env.put("FLOWGATE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("FLOWGATE_SECRET_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("FLOWGATE_RUNTIME", "docker");
    // the suite's callback receiver listens on loopback
    env.put("FLOWGATE_CALLBACK_ALLOW", "127.0.0.1");
    env.put("FLOWGATE_INSTANCE_PORTS", FIRST_PORT + "-" + LAST_PORT);
    env.put("FLOWGATE_INSTANCE_MEMORY_MB", "256");
    env.put("FLOWGATE_TEAM_INSTANCE_QUOTA", "20");
    env.put("FLOWGATE_RECONCILE_INTERVAL", "PT2S");
    env.put("CAMUNDA_BPM_JOBEXECUTION_LOCKTIMEINMILLIS", Long.toString(LOCK_TIME.toMillis()));
    nodeA = new EngineNode("node-a", jar, work.resolve("node-a"), freePort(), env);
    nodeB = new EngineNode("node-b", jar, work.resolve("node-b"), freePort(), env);
    serving.set(nodeA.start(List.of()));
    admin = new FlowgateClient(() -> serving.get().url(), "admin", ADMIN_PASSWORD);
    people();
    callbacks = new CallbackReceiver();
  }

  /** Says at once why a scenario failed (surefire's report comes only at the end). */
  @RegisterExtension
  final TestWatcher saysWhy =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          System.out.println("fault suite: " + context.getDisplayName() + " FAILED: " + cause);
        }
      };

  /** A scenario that failed may have left node-a holding a step: the next starts clean. */
  @BeforeEach
  void noHeldStep() throws Exception {
    if (serving.get() == nodeA && !nodeA.holds().isEmpty()) {
      restart(List.of());
    }
  }

  /** Provisioning: a kill after each step's work, before it commits; then it carries on. */
  @Test
  @Order(1)
  void provisioningSurvivesAKillAfterEveryStep() throws Exception {
    String scenario = "provisioning";
    Map<String, Object> request = instanceRequest("dev");
    request.put("flows", HelloFlows.answering("v1"));
    request.put("callbackUrl", callbacks.url());
    List<String> steps =
        List.of(
            "allocate-resources",
            "create-storage",
            "create-container",
            "start-container",
            "wait-for-editor",
            "load-initial-flows",
            "notify-running");
    restart(hold("instance-provisioning", steps.getFirst()));
    devInstance = createInstance(request);
    killAtEachStep(scenario, "instance-provisioning", steps);
    JsonNode dev = awaitInstance(devInstance, "running");
    assertThat(HelloFlows.ask(dev.path("port").asInt())).contains("v1");
    assertThat(callbacks.calls()).as("the running callback, at least once").isNotEmpty();
    // a kill after the callback went out sends it again, with the same delivery id to drop it by
    List<String> deliveries = new ArrayList<>();
    for (CallbackReceiver.Call call : callbacks.calls()) {
      deliveries.add(FlowgateClient.JSON.readTree(call.body()).path("deliveryId").asText());
    }
    assertThat(deliveries).as("delivery ids of the running callback").hasSizeGreaterThan(0);
    assertThat(Set.copyOf(deliveries)).as("one delivery, however often sent").hasSize(1);
    System.out.println(
        "fault suite: callbacks after the kills in provisioning: "
            + deliveries.size()
            + " with delivery id "
            + deliveries.getFirst());
    assertClean(scenario);
  }

  /** Promotion: kills after its steps and while it waits for the first and second approval. */
  @Test
  @Order(2)
  void promotionSurvivesAKillAfterEveryStepAndWhileItWaits() throws Exception {
    String scenario = "promotion";
    String prod = createInstance(instanceRequest("prod"));
    awaitInstance(prod, "running");
    JsonNode pipeline =
        owner
            .post(
                "/api/v1/applications/" + application + "/pipelines",
                PipelineRequests.devToProd(devInstance, List.of(prod)))
            .expect(201)
            .json();
    restart(hold("snapshot-promotion", "resolve-snapshot"));
    String promotion =
        owner
            .post(
                "/api/v1/pipelines/"
                    + pipeline.path("id").asText()
                    + "/stages/"
                    + pipeline.path("stages").get(0).path("id").asText()
                    + "/promote",
                Map.of("comment", "fault suite", "callbackUrl", callbacks.url()))
            .expect(202)
            .json()
            .path("promotionId")
            .asText();
    killAtEachStep(scenario, "snapshot-promotion", List.of("resolve-snapshot"));
    String path = "/api/v1/promotions/" + promotion;
    owner.await(
        "awaiting approval",
        path,
        STEP,
        json -> json.path("state").asText().equals("awaiting-approval"));
    killWhileWaiting(scenario, "approve (no approval yet)", promotion, "approve");
    restart(List.of());
    approver1.post(path + "/approvals", Map.of("decision", "approve", "comment", "ok")).expect(200);
    assertThat(leftovers.approvals(promotion)).isEqualTo(1);
    killWhileWaiting(scenario, "approve (one approval given)", promotion, "approve");
    restart(hold("snapshot-promotion", "check-approvals"));
    assertThat(leftovers.approvals(promotion)).as("the first approval, after a kill").isEqualTo(1);
    assertThat(approver1.post(path + "/approvals", Map.of("decision", "approve")).status())
        .as("the same approver again, after a kill")
        .isEqualTo(403);
    approver2.post(path + "/approvals", Map.of("decision", "approve", "comment", "ok")).expect(200);
    killAtEachStep(
        scenario,
        "snapshot-promotion",
        List.of(
            "check-approvals",
            "back-up-targets",
            "deploy-targets",
            "verify-targets",
            "notify-completed"));
    JsonNode done =
        owner.await("promotion completed", path, SETTLE, json -> finalState(json, "completed"));
    assertThat(done.path("approvals")).hasSize(2);
    assertThat(leftovers.approvals(promotion)).isEqualTo(2);
    assertThat(HelloFlows.ask(awaitInstance(prod, "running").path("port").asInt())).contains("v1");
    devSnapshot = done.path("snapshot").path("id").asText();
    prodInstance = prod;
    assertClean(scenario);
  }

  /** Rollout: kills after its steps and while it waits between waves. */
  @Test
  @Order(3)
  void rolloutSurvivesAKillAfterEveryStepAndWhileItWaits() throws Exception {
    String scenario = "rollout";
    List<DeviceSimulator.Credentials> devices = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      JsonNode registration =
          owner
              .post(
                  "/api/v1/teams/" + team + "/devices",
                  Map.of("name", "plc-" + i, "type", "gateway", "application", application))
              .expect(201)
              .json();
      String id = registration.path("device").path("id").asText();
      ids.add(id);
      devices.add(
          new DeviceSimulator.Credentials(
              id,
              registration.path("credentials").path("token").asText(),
              registration.path("credentials").path("credentialSecret").asText()));
    }
    group =
        owner
            .post(
                "/api/v1/applications/" + application + "/device-groups",
                Map.of("name", "line-1", "deviceIds", ids, "env", List.of()))
            .expect(201)
            .json()
            .path("id")
            .asText();
    fleet =
        new DeviceSimulator(
                DeviceSimulator.Settings.of(nodeA.url())
                    .interval(Duration.ofSeconds(1), Duration.ofMillis(200)),
                devices)
            .start();
    restart(hold("device-rollout", "start-wave"));
    String rollout =
        owner
            .post(
                "/api/v1/device-groups/" + group + "/rollouts",
                rolloutRequest(devSnapshot, List.of(50, 100), "PT8S"))
            .expect(202)
            .json()
            .path("id")
            .asText();
    killAtEachStep(scenario, "device-rollout", List.of("start-wave", "judge-wave"));
    killWhileWaiting(scenario, "wait-between (between waves)", rollout, "wait-between");
    restart(hold("device-rollout", "notify-completed"));
    killAtEachStep(scenario, "device-rollout", List.of("notify-completed"));
    String path = "/api/v1/rollouts/" + rollout;
    JsonNode done =
        owner.await("rollout completed", path, SETTLE, json -> finalState(json, "completed"));
    assertThat(done.path("waves").get(1).path("succeeded").asInt()).isEqualTo(5);
    awaitFleetOn(devSnapshot);
    assertClean(scenario);
  }

  /** A rollout whose first wave fails: kills after each step of rolling it back. */
  @Test
  @Order(4)
  void rollbackSurvivesAKillAfterEveryStep() throws Exception {
    String scenario = "rollback";
    String bad =
        owner
            .post("/api/v1/instances/" + prodInstance + "/snapshots", Map.of("name", "bad"))
            .expect(201)
            .json()
            .path("id")
            .asText();
    fleet.injectFailures(bad, 1.0);
    restart(hold("device-rollout", "roll-back"));
    Map<String, Object> request = rolloutRequest(bad, List.of(50, 100), "PT0S");
    request.put("autoRollback", true);
    String rollout =
        owner
            .post("/api/v1/device-groups/" + group + "/rollouts", request)
            .expect(202)
            .json()
            .path("id")
            .asText();
    killAtEachStep(
        scenario, "device-rollout", List.of("roll-back", "check-rollback", "notify-rolled-back"));
    JsonNode done =
        owner.await(
            "rollout rolled back",
            "/api/v1/rollouts/" + rollout,
            SETTLE,
            json -> finalState(json, "rolled-back"));
    assertThat(done.path("stateReason").asText()).as("why it was rolled back").isNotBlank();
    assertThat(done.path("waves").path(1).path("targeted").asInt()).as("wave 2 untouched").isZero();
    awaitFleetOn(devSnapshot);
    assertClean(scenario);
  }

  /** The object store breaks in the middle of a snapshot's upload: no snapshot, then one. */
  @Test
  @Order(5)
  void aSnapshotIsNeverPartialWhenTheObjectStoreFailsMidUpload() throws Exception {
    String scenario = "object-store";
    Map<String, Object> request = instanceRequest("line-2");
    request.put("flows", HelloFlows.answering("v2"));
    String instance = createInstance(request);
    awaitInstance(instance, "running");
    String snapshots = "/api/v1/instances/" + instance + "/snapshots";
    int before = owner.get(snapshots).expect(200).json().size();
    objectStore.cutNextSnapshotUpload();
    try {
      FlowgateClient.Response cut = owner.post(snapshots, Map.of("name", "cut mid-upload"));
      tally.tried(scenario + " upload cut halfway, store down", " -> " + cut.status());
      assertThat(objectStore.cuts()).as("the upload was cut").isEqualTo(1);
      assertThat(cut.status()).as("a snapshot whose upload broke: " + cut).isEqualTo(503);
      assertThat(cut.body()).contains("Object storage did not answer");
      assertThat(owner.get(snapshots).expect(200).json().size())
          .as("no snapshot")
          .isEqualTo(before);
    } finally {
      objectStore.restore();
    }
    JsonNode made = owner.post(snapshots, Map.of("name", "after the outage")).expect(201).json();
    assertThat(owner.get("/api/v1/snapshots/" + made.path("id").asText() + "/content").status())
        .isEqualTo(200);
    devSnapshot = made.path("id").asText();
    assertClean(scenario);
  }

  /** PostgreSQL restarts while agents heartbeat, a rollout runs and an instance is provisioned. */
  @Test
  @Order(6)
  void postgresRestartsUnderLoad() throws Exception {
    String scenario = "postgres";
    String rollout =
        owner
            .post(
                "/api/v1/device-groups/" + group + "/rollouts",
                rolloutRequest(devSnapshot, List.of(100), "PT0S"))
            .expect(202)
            .json()
            .path("id")
            .asText();
    String instance = createInstance(instanceRequest("line-3"));
    Thread.sleep(1_500);
    long heartbeatsBefore = fleet.heartbeats();
    postgres.close();
    tally.tried(scenario + " restart under load", " (heartbeats so far " + heartbeatsBefore + ")");
    Thread.sleep(5_000);
    FlowgateClient.Response during = owner.get("/api/v1/instances/" + instance);
    postgres = startPostgres();
    serving.get().awaitHealthy(Duration.ofSeconds(90));
    assertThat(during.status())
        .as("answered, not hung, while PostgreSQL was down: " + during)
        .isEqualTo(503);
    owner.await(
        "rollout completed",
        "/api/v1/rollouts/" + rollout,
        SETTLE,
        json -> finalState(json, "completed"));
    awaitInstance(instance, "running");
    awaitFleetOn(devSnapshot);
    assertThat(fleet.heartbeats()).isGreaterThan(heartbeatsBefore);
    assertClean(scenario);
  }

  /** Two nodes on one database: one dies holding a job, the other finishes it after the lock. */
  @Test
  @Order(7)
  void theOtherNodeFinishesTheJobsOfAKilledNode() throws Exception {
    String scenario = "two-nodes";
    restart(hold("instance-provisioning", "create-container"));
    String instance = createInstance(instanceRequest("line-4"));
    nodeA.awaitHeld("instance-provisioning:create-container", STEP);
    String byKey =
        " join act_hi_procinst p on p.id_ = %s.process_instance_id_ where p.business_key_ = '"
            + instance
            + "'";
    double lockedUntil =
        Double.parseDouble(
            leftovers
                .rows(
                    "select extract(epoch from j.lock_exp_time_) from act_ru_job j"
                        + byKey.formatted("j")
                        + " and j.lock_owner_ = 'node-a'")
                .getFirst());
    nodeA.kill9();
    tally.tried(scenario + " node-a killed holding create-container", "");
    nodeB.start(List.of());
    serving.set(nodeB);
    awaitInstance(instance, "running");
    List<String> finished =
        leftovers.rows(
            "select l.hostname_ || ' ' || extract(epoch from l.timestamp_) from act_hi_job_log l"
                + byKey.formatted("l")
                + " and l.act_id_ = 'create-container' and l.job_state_ = 2");
    assertThat(finished).as("create-container finished, once").hasSize(1);
    String[] byAndAt = finished.getFirst().split(" ");
    assertThat(byAndAt[0]).as("create-container finished by").isEqualTo("node-b");
    double afterLock = Double.parseDouble(byAndAt[1]) - lockedUntil;
    assertThat(afterLock).as("node-b took the job only when node-a's lock ran out").isPositive();
    System.out.printf(
        "fault suite: node-b finished node-a's job %.1f s after its lock (%d s) ran out%n",
        afterLock, LOCK_TIME.toSeconds());
    assertClean(scenario);
  }

  /** The Docker daemon stops for 30 s while an instance is being provisioned. */
  @Test
  @Order(8)
  void provisioningRidesOutADockerDaemonStoppedFor30Seconds() throws Exception {
    String scenario = "docker";
    String instance = createInstance(instanceRequest("line-5"));
    long deadline = System.nanoTime() + STEP.toNanos();
    while (Collections.disjoint(
        leftovers.restingAt(instance), List.of("create-container", "start-container"))) {
      assertThat(System.nanoTime()).as("provisioning reached a Docker step").isLessThan(deadline);
      Thread.sleep(100);
    }
    DockerDaemon.stop();
    tally.tried(scenario + " dockerd stopped 30 s at " + leftovers.restingAt(instance), "");
    Thread.sleep(30_000);
    DockerDaemon.start();
    awaitInstance(instance, "running");
    // the daemon's stop took the other instances down too: they come back or say why not
    for (JsonNode each :
        owner.get("/api/v1/instances?team=" + team).expect(200).json().path("items")) {
      owner.await(
          "instance " + each.path("name").asText() + " settled",
          "/api/v1/instances/" + each.path("id").asText(),
          SETTLE,
          json -> List.of("running", "crashed", "failed").contains(json.path("state").asText()));
    }
    assertClean(scenario);
  }

  @AfterAll
  void report() throws Exception {
    try {
      if (serving.get() != null && serving.get().alive()) {
        deleteEveryInstance();
      }
    } finally {
      List<String> lines = tally.lines();
      lines.forEach(line -> System.out.println("fault suite: " + line));
      Files.write(Path.of("target", "fault-suite.txt"), lines);
      if (fleet != null) {
        fleet.close();
      }
      if (callbacks != null) {
        callbacks.close();
      }
      nodeB.close();
      nodeA.close();
      leftovers.removeContainersAndVolumes();
      objectStore.close();
      postgres.close();
    }
    assertThat(tally.survived())
        .as("fault points survived of those tried")
        .isEqualTo(tally.tried());
  }

  /** Deleting every instance is the last check: no container, volume or port may stay. */
  private void deleteEveryInstance() throws Exception {
    JsonNode instances = owner.get("/api/v1/instances?team=" + team).expect(200).json();
    leftovers.releaseFromPipelines();
    for (JsonNode each : instances.path("items")) {
      owner.delete("/api/v1/instances/" + each.path("id").asText());
    }
    for (JsonNode each : instances.path("items")) {
      owner.await(
          "instance deleted",
          "/api/v1/instances?team=" + team,
          SETTLE,
          json ->
              json.path("items").findValuesAsText("id").stream()
                  .noneMatch(id -> id.equals(each.path("id").asText())));
    }
    assertThat(leftovers.findings()).as("after deleting every instance").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  private void killAtEachStep(String scenario, String process, List<String> steps)
      throws Exception {
    for (int i = 0; i < steps.size(); i++) {
      String point = process + ":" + steps.get(i);
      String held = nodeA.awaitHeld(point, STEP);
      nodeA.kill9();
      tally.tried(scenario + " after " + steps.get(i), "");
      System.out.println("fault suite: killed node-a at " + held);
      restart(i + 1 < steps.size() ? hold(process, steps.get(i + 1)) : List.of());
    }
  }

  private void killWhileWaiting(String scenario, String what, String key, String activity)
      throws Exception {
    long deadline = System.nanoTime() + STEP.toNanos();
    while (!leftovers.restingAt(key).contains(activity)) {
      assertThat(System.nanoTime()).as(key + " waiting at " + activity).isLessThan(deadline);
      Thread.sleep(100);
    }
    nodeA.kill9();
    tally.tried(scenario + " while waiting at " + what, "");
  }

  private void restart(List<String> holdAt) throws Exception {
    nodeA.kill9();
    nodeA.start(holdAt);
    serving.set(nodeA);
  }

  private static List<String> hold(String process, String activity) {
    return List.of(process + ":" + activity);
  }

  private void assertClean(String scenario) throws Exception {
    assertThat(leftovers.findings()).as("left behind after " + scenario).isEmpty();
    tally.survived(scenario);
  }

  private JsonNode awaitInstance(String id, String state) throws InterruptedException {
    return owner.await(
        "instance " + id + " " + state,
        "/api/v1/instances/" + id,
        SETTLE,
        json -> {
          String now = json.path("state").asText();
          if (!now.equals(state) && List.of("failed", "crashed").contains(now)) {
            throw new AssertionError("instance " + id + " is " + now + ": " + json);
          }
          return now.equals(state);
        });
  }

  private void awaitFleetOn(String snapshot) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (!fleet.agents().stream().allMatch(agent -> snapshot.equals(agent.snapshot()))) {
      assertThat(System.nanoTime()).as("every agent on " + snapshot).isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  private static boolean finalState(JsonNode json, String wanted) {
    String now = json.path("state").asText();
    if (!now.equals(wanted)
        && List.of("completed", "rejected", "expired", "rolled-back", "failed", "aborted")
            .contains(now)) {
      throw new AssertionError("ended " + now + " instead of " + wanted + ": " + json);
    }
    return now.equals(wanted);
  }

  /** Asks for an instance as the owner; its id. */
  private String createInstance(Map<String, Object> request) {
    return owner.post("/api/v1/instances", request).expect(202).json().path("id").asText();
  }

  private Map<String, Object> instanceRequest(String name) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("team", team);
    request.put("application", application);
    request.put("name", name);
    return request;
  }

  private static Map<String, Object> rolloutRequest(
      String snapshot, List<Integer> waves, String waitBetweenWaves) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("snapshotId", snapshot);
    request.put("waves", waves);
    request.put("successThreshold", 95);
    request.put("errorThreshold", 5);
    request.put("minFinished", 1);
    request.put("waveTimeout", "PT3M");
    request.put("waitBetweenWaves", waitBetweenWaves);
    request.put("manualGate", false);
    return request;
  }

  private void people() {
    String organization =
        admin
            .post("/api/v1/organizations", Map.of("name", "Fault Suite"))
            .expect(201)
            .json()
            .path("id")
            .asText();
    team =
        admin
            .post(
                "/api/v1/organizations/" + organization + "/teams",
                Map.of("name", "Filling", "slug", "filling"))
            .expect(201)
            .json()
            .path("id")
            .asText();
    owner = person(organization, "owner", "owner", false);
    approver1 = person(organization, "approver-1", "member", true);
    approver2 = person(organization, "approver-2", "member", true);
    application =
        owner
            .post("/api/v1/teams/" + team + "/applications", Map.of("name", "Line"))
            .expect(201)
            .json()
            .path("id")
            .asText();
  }

  private FlowgateClient person(String organization, String name, String role, boolean approves) {
    admin
        .post(
            "/api/v1/users",
            Map.of(
                "username",
                name,
                "password",
                PASSWORD,
                "email",
                name + "@example.com",
                "organization",
                organization,
                "role",
                "member"))
        .expect(201);
    int status =
        admin
            .put(
                "/api/v1/teams/" + team + "/members/" + name,
                Map.of("role", role, "approver", approves))
            .status();
    assertThat(status).isIn(200, 201);
    return admin.as(name, PASSWORD);
  }

  private EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(work.resolve("postgres"))
        .setCleanDataDirectory(false)
        .setPort(databasePort)
        .start();
  }

  private String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
