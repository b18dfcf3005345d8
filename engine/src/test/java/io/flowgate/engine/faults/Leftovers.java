package io.flowgate.engine.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What a fault may leave behind, looked up in the places themselves: open incidents and failed jobs
 * in the engine's tables, containers and volumes of this installation in Docker, ports in use,
 * objects in the S3 store, snapshots recorded twice, approvals missing. Each finding is a sentence;
 * none means clean.
 */
final class Leftovers {

  private final Supplier<String> jdbcUrl;
  private final ObjectStoreOutage objects;
  private final int firstPort;
  private final int lastPort;

  Leftovers(Supplier<String> jdbcUrl, ObjectStoreOutage objects, int firstPort, int lastPort) {
    this.jdbcUrl = jdbcUrl;
    this.objects = objects;
    this.firstPort = firstPort;
    this.lastPort = lastPort;
  }

  List<String> findings() throws Exception {
    List<String> found = new ArrayList<>();
    found.addAll(
        rows(
            "select 'open incident in ' || p.key_ || ' at ' || i.activity_id_ || ': '"
                + " || coalesce(i.incident_msg_, '') from act_ru_incident i"
                + " join act_re_procdef p on p.id_ = i.proc_def_id_"));
    found.addAll(
        rows(
            "select 'snapshot recorded ' || count(*) || ' times: ' || max(name) || ' of instance '"
                + " || instance_id from flowgate.snapshot"
                + " where process_instance_id is not null or description like '%promotion %'"
                + " group by instance_id, kind, coalesce(process_instance_id, description)"
                + " having count(*) > 1"));
    found.addAll(
        rows(
            "select 'instance ' || name || ' holds port ' || port || ' while ' || state"
                + " from flowgate.instance where port is not null"
                + " and state = 'failed'"));
    found.addAll(
        rows(
            "select 'instance ' || name || ' is ' || state || ' with no reason given'"
                + " from flowgate.instance where state in ('failed', 'crashed')"
                + " and coalesce(state_reason, '') = ''"));
    found.addAll(containers());
    found.addAll(orphanObjects());
    found.addAll(strayPorts());
    return found;
  }

  /** Approvals recorded for the promotion, as the database keeps them. */
  int approvals(String promotionId) throws SQLException {
    return Integer.parseInt(
        rows("select count(*) from flowgate.promotion_approval where promotion_id = '"
                + promotionId.replace("'", "")
                + "'")
            .getFirst());
  }

  /** The activity a process instance rests at, or empty. */
  List<String> restingAt(String businessKeyOrId) throws SQLException {
    String key = businessKeyOrId.replace("'", "");
    return rows(
        "select e.act_id_ from act_ru_execution e join act_ru_execution p"
            + " on p.id_ = e.proc_inst_id_ where e.act_id_ is not null and (p.business_key_ = '"
            + key
            + "' or p.id_ = '"
            + key
            + "')");
  }

  /**
   * Takes every instance out of its pipeline stages, so that the last check can delete them all: an
   * instance of a protected stage has no decommissioning route in the API yet (decision record 11).
   */
  void releaseFromPipelines() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl.get(), "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      statement.executeUpdate("delete from flowgate.pipeline_stage_instance");
    }
  }

  List<String> rows(String sql) throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl.get(), "postgres", "postgres");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (result.next()) {
        rows.add(result.getString(1));
      }
      return rows;
    }
  }

  private List<String> containers() throws Exception {
    List<String> installation = rows("select id::text from flowgate.installation");
    if (installation.isEmpty()) {
      return List.of();
    }
    String label = "io.flowgate.installation=" + installation.getFirst();
    Set<String> live = new HashSet<>(rows("select id from flowgate.instance"));
    List<String> found = new ArrayList<>();
    Map<String, Integer> perInstance = new TreeMap<>();
    for (String line :
        run(
            "docker",
            "ps",
            "-a",
            "--filter",
            "label=" + label,
            "--format",
            "{{.Label \"io.flowgate.instance\"}} {{.Names}}")) {
      String instance = line.split(" ")[0];
      perInstance.merge(instance, 1, Integer::sum);
      if (!live.contains(instance)) {
        found.add("container " + line + " belongs to no instance");
      }
    }
    perInstance.forEach(
        (instance, count) -> {
          if (count > 1) {
            found.add(count + " containers for instance " + instance);
          }
        });
    for (String line :
        run(
            "docker",
            "volume",
            "ls",
            "--filter",
            "label=" + label,
            "--format",
            "{{.Label \"io.flowgate.instance\"}} {{.Name}}")) {
      if (!live.contains(line.split(" ")[0])) {
        found.add("volume " + line + " belongs to no instance");
      }
    }
    return found;
  }

  /** Removes every container and volume of this installation (the suite's own clean-up). */
  void removeContainersAndVolumes() throws Exception {
    List<String> installation = rows("select id::text from flowgate.installation");
    if (installation.isEmpty()) {
      return;
    }
    String label = "label=io.flowgate.installation=" + installation.getFirst();
    for (String container : run("docker", "ps", "-a", "-q", "--filter", label)) {
      run("docker", "rm", "-f", "-v", container);
    }
    for (String volume : run("docker", "volume", "ls", "-q", "--filter", label)) {
      run("docker", "volume", "rm", "-f", volume);
    }
  }

  private List<String> orphanObjects() throws Exception {
    Set<String> referenced = new HashSet<>();
    for (String hash : rows("select distinct hash from flowgate.snapshot")) {
      referenced.add("snapshots/" + hash + ".json");
    }
    List<String> found = new ArrayList<>();
    for (String key : objects.keys("flowgate")) {
      if (key.startsWith("snapshots/") && !referenced.contains(key)) {
        found.add("object " + key + " belongs to no snapshot");
      }
    }
    return found;
  }

  /** Listening ports of the instance range that no running instance owns. */
  private List<String> strayPorts() throws Exception {
    Set<String> owned =
        new HashSet<>(rows("select port::text from flowgate.instance where port is not null"));
    List<String> found = new ArrayList<>();
    for (String line : run("ss", "-ltnH")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length < 4) {
        continue;
      }
      String local = columns[3];
      String port = local.substring(local.lastIndexOf(':') + 1);
      try {
        int number = Integer.parseInt(port);
        if (number >= firstPort && number <= lastPort && !owned.contains(port)) {
          found.add("port " + number + " listens but belongs to no instance");
        }
      } catch (NumberFormatException ignored) {
        // not a port number
      }
    }
    return found.stream().distinct().toList();
  }

  static List<String> run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (InputStream in = process.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out.lines().filter(line -> !line.isBlank()).toList();
  }
}
