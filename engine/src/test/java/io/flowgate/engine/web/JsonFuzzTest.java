package io.flowgate.engine.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Malformed, mistyped, oversized and hostile bodies against every JSON endpoint: never a 5xx, every
 * error a problem, and a refused request writes nothing (Flowgate's tables, the audit log and
 * Camunda's identity and authorization tables are counted before and after each one). Accepted
 * bodies with markup are stored without it. Bounded in count and time.
 */
class JsonFuzzTest extends ApiTestSupport {

  private static final int MAX_INPUTS = 2000;
  private static final long MAX_MILLIS = 180_000;
  private static final Pattern TAG = Pattern.compile("<[a-zA-Z/!?]");

  private static final String COUNTS =
      """
      select concat_ws(',',
        (select count(*) from flowgate.organization),
        (select count(*) from flowgate.organization_member),
        (select count(*) from flowgate.team),
        (select count(*) from flowgate.team_member),
        (select count(*) from flowgate.application),
        (select count(*) from flowgate.token),
        (select count(*) from flowgate.pipeline),
        (select count(*) from flowgate.pipeline_stage),
        (select count(*) from flowgate.pipeline_stage_instance),
        (select count(*) from flowgate.audit_log),
        (select count(*) from public.act_id_user),
        (select count(*) from public.act_id_group),
        (select count(*) from public.act_id_membership),
        (select count(*) from public.act_id_tenant),
        (select count(*) from public.act_id_tenant_member),
        (select count(*) from public.act_ru_authorization),
        (select coalesce(sum(case when approver then 1 else 0 end), 0) from flowgate.team_member),
        (select count(*) from flowgate.team_member where role = 'owner'),
        (select count(*) from flowgate.organization_member where role = 'admin'))
      """;

  /** A JSON endpoint and a valid body for it. */
  private record Endpoint(String method, String path, Supplier<Map<String, Object>> valid) {}

  private int tried;
  private int refused;
  private int accepted;
  private final List<String> failures = new ArrayList<>();
  private final Map<Integer, Integer> statuses = new LinkedHashMap<>();

  @Test
  void hostileBodiesNeverCauseA5xxAndRefusedOnesWriteNothing() {
    String org = createOrganization(unique("Fuzz"));
    String team = createTeam(org, unique("fuzz"));
    String user = createUser(org, unique("fuzzed"), "member");
    putMember(team, user, "owner", false);
    String expires =
        Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    String application =
        expect(post("/api/v1/teams/" + team + "/applications", admin(), body("name", "Fuzz")), 201)
            .json()
            .path("id")
            .asText();
    String instance =
        expect(
                post(
                    "/api/v1/instances",
                    admin(),
                    body("team", team, "application", application, "name", "fuzz-target")),
                202)
            .json()
            .path("id")
            .asText();
    String pipeline =
        expect(
                post(
                    "/api/v1/applications/" + application + "/pipelines",
                    admin(),
                    pipelineBody("Fuzz pipeline", instance)),
                201)
            .json()
            .path("id")
            .asText();

    List<Endpoint> endpoints =
        List.of(
            new Endpoint("POST", "/api/v1/organizations", () -> body("name", unique("Fuzz org"))),
            new Endpoint(
                "POST",
                "/api/v1/organizations/" + org + "/teams",
                () -> body("name", "Fuzz team", "slug", unique("slug"))),
            new Endpoint(
                "POST",
                "/api/v1/teams/" + team + "/applications",
                () -> body("name", unique("Fuzz app"), "description", "what it does")),
            new Endpoint(
                "POST",
                "/api/v1/users",
                () -> {
                  String name = unique("fz");
                  return body(
                      "username",
                      name,
                      "password",
                      PASSWORD,
                      "email",
                      name + "@example.com",
                      "organization",
                      org,
                      "role",
                      "member",
                      "firstName",
                      "Fuzz",
                      "lastName",
                      "Test");
                }),
            new Endpoint(
                "PUT",
                "/api/v1/organizations/" + org + "/members/" + user,
                () -> body("role", "member")),
            new Endpoint(
                "PUT",
                "/api/v1/teams/" + team + "/members/" + user,
                () -> body("role", "owner", "approver", false)),
            new Endpoint(
                "POST",
                "/api/v1/teams/" + team + "/tokens",
                () -> body("name", "fuzz token", "role", "viewer", "expiresAt", expires)),
            new Endpoint(
                "POST",
                "/api/v1/applications/" + application + "/pipelines",
                () -> pipelineBody(unique("Fuzz pipeline"), instance)),
            new Endpoint(
                "PUT",
                "/api/v1/pipelines/" + pipeline,
                () -> pipelineBody("Fuzz pipeline", instance)));

    long deadline = System.currentTimeMillis() + MAX_MILLIS;
    Random random = new Random(20261122);
    for (Endpoint endpoint : endpoints) {
      for (byte[] body : malformed(random)) {
        attempt(endpoint, "application/json", body, true, deadline);
      }
      for (String contentType :
          List.of(
              "text/plain",
              "application/xml",
              "application/x-www-form-urlencoded",
              "multipart/form-data; boundary=x",
              "application/json; charset=bogus-charset",
              "application/",
              "application/json; charset=UTF-16")) {
        attempt(endpoint, contentType, json(endpoint.valid().get()), true, deadline);
      }
      attempt(endpoint, null, json(endpoint.valid().get()), true, deadline);
      for (int size : new int[] {256 * 1024 + 1, 300 * 1024, 1024 * 1024}) {
        byte[] oversized = oversized(endpoint.valid().get(), size);
        attempt(endpoint, "application/json", oversized, true, deadline);
        attempt(endpoint, "application/json", oversized, false, deadline);
      }
      Map<String, Object> template = endpoint.valid().get();
      for (String field : template.keySet()) {
        for (Object value : hostileValues(random)) {
          Map<String, Object> mutated = endpoint.valid().get();
          mutated.put(field, value);
          attempt(endpoint, "application/json", json(mutated), true, deadline);
        }
        Map<String, Object> missing = endpoint.valid().get();
        missing.remove(field);
        attempt(endpoint, "application/json", json(missing), true, deadline);
        Map<String, Object> deep = endpoint.valid().get();
        deep.put(field, "__DEEP__");
        attempt(
            endpoint,
            "application/json",
            new String(json(deep), StandardCharsets.UTF_8)
                .replace("\"__DEEP__\"", "[".repeat(5000) + "]".repeat(5000))
                .getBytes(StandardCharsets.UTF_8),
            true,
            deadline);
      }
      Map<String, Object> extra = endpoint.valid().get();
      extra.put("isAdmin", true);
      attempt(endpoint, "application/json", json(extra), true, deadline);
      attempt(endpoint, "application/json", json(endpoint.valid().get()), false, deadline);
    }

    System.out.printf(
        "JSON fuzz: %d inputs tried against %d endpoints, %d refused (nothing written), %d accepted; statuses %s%n",
        tried, endpoints.size(), refused, accepted, statuses);
    assertThat(failures).as("inputs that broke a rule").isEmpty();
    assertThat(tried).isGreaterThanOrEqualTo(500).isLessThanOrEqualTo(MAX_INPUTS);
    assertThat(accepted).as("valid bodies with odd but harmless text are accepted").isPositive();
    for (String table :
        List.of("organization", "team", "application", "token", "pipeline", "pipeline_stage")) {
      assertThat(jdbc.sql("select name from flowgate." + table).query(String.class).list())
          .as("names in %s", table)
          .noneMatch(name -> TAG.matcher(name).find())
          .noneMatch(name -> name.chars().anyMatch(Character::isISOControl));
    }
  }

  private void attempt(
      Endpoint endpoint, String contentType, byte[] body, boolean contentLength, long deadline) {
    if (tried >= MAX_INPUTS || System.currentTimeMillis() > deadline) {
      return;
    }
    tried++;
    String before = jdbc.sql(COUNTS).query(String.class).single();
    Response response =
        send(endpoint.method(), endpoint.path(), admin(), contentType, body, contentLength);
    String after = jdbc.sql(COUNTS).query(String.class).single();
    statuses.merge(response.status(), 1, Integer::sum);
    String input = describe(contentType, body, contentLength);
    if (response.status() >= 500) {
      failures.add(endpoint.path() + " answered " + response + " to " + input);
    } else if (response.status() >= 400) {
      refused++;
      if (!before.equals(after)) {
        failures.add(
            endpoint.path() + " wrote rows (" + before + " -> " + after + ") refusing " + input);
      }
      String type = response.header("Content-Type");
      if (type == null
          || !type.startsWith("application/problem+json")
          || response.json().path("detail").asText().isBlank()) {
        failures.add(
            endpoint.path() + " answered without a problem detail: " + response + " to " + input);
      }
    } else {
      accepted++;
      if (TAG.matcher(response.body()).find()) {
        failures.add(endpoint.path() + " stored markup: " + response + " from " + input);
      }
    }
  }

  private static List<byte[]> malformed(Random random) {
    List<byte[]> bodies = new ArrayList<>();
    for (String text :
        List.of(
            "",
            " ",
            "{",
            "}",
            "[",
            "[]",
            "null",
            "true",
            "123",
            "\"text\"",
            "{\"name\":",
            "{'name':'x'}",
            "{name: \"x\"}",
            "{\"name\":\"x\",}",
            "{\"name\":\"x\"} trailing",
            "{\"name\":\"x\"}{}",
            "{\"name\":NaN}",
            "/* comment */ {}",
            "{\"name\":\"x\" \"slug\":\"y\"}",
            "{\"name\":\"\\u0000\"}",
            "{\"name\":\"\\ud800\"}",
            "{\"name\":\"\\x41\"}",
            "{\"\":\"\"}",
            "{\"name\":1e999999}",
            "{\"name\":\"unterminated}",
            "\u0000\u0000\u0000",
            "{\"a\":".repeat(3000),
            "[".repeat(3000))) {
      bodies.add(text.getBytes(StandardCharsets.UTF_8));
    }
    bodies.add(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'});
    bodies.add(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    bodies.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'});
    for (int i = 0; i < 5; i++) {
      byte[] noise = new byte[1 + random.nextInt(2000)];
      random.nextBytes(noise);
      bodies.add(noise);
    }
    return bodies;
  }

  private static List<Object> hostileValues(Random random) {
    List<Object> values = new ArrayList<>();
    values.add(null);
    values.add("");
    values.add("   ");
    values.add(0);
    values.add(-1);
    values.add(3.14);
    values.add(Long.MAX_VALUE);
    values.add(new java.math.BigInteger("9".repeat(400)));
    values.add(true);
    values.add(List.of());
    values.add(List.of("a", "b"));
    values.add(Map.of());
    values.add(Map.of("nested", Map.of("deeper", "x")));
    values.add("x".repeat(101));
    values.add("x".repeat(10_000));
    values.add("x".repeat(200_000));
    values.add("<script>alert(1)</script>Plant 3");
    values.add("<img src=x onerror=alert(1)>");
    values.add("&lt;script&gt;alert(1)&lt;/script&gt;encoded");
    values.add("\"><svg/onload=alert(1)>");
    values.add("Robert'); DROP TABLE team;--");
    values.add("\u0000null byte");
    values.add("bell\u0007 and escape\u001b[31m");
    values.add("right-to-left \u202e override");
    values.add("zero\u200bwidth\ufeff");
    values.add("Überwachung 温度 🏭 e\u0301");
    values.add("line\nbreak\r\n");
    values.add("owner");
    values.add("ADMIN");
    values.add("2030-01-01T00:00:00Z");
    values.add("../../etc/passwd");
    values.add("%00%0a");
    StringBuilder junk = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      junk.appendCodePoint(1 + random.nextInt(0x2FFF));
    }
    values.add(junk.toString());
    return values;
  }

  private static Map<String, Object> pipelineBody(String name, String instance) {
    return body(
        "name",
        name,
        "stages",
        List.of(
            body("name", "Dev", "action", "create_snapshot", "instances", List.of(instance)),
            body("name", "Prod", "action", "prompt", "protected", true)));
  }

  private static byte[] json(Map<String, Object> body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] oversized(Map<String, Object> valid, int size) {
    Map<String, Object> body = new LinkedHashMap<>(valid);
    String first = body.keySet().iterator().next();
    body.put(first, "y".repeat(size));
    return json(body);
  }

  private static String describe(String contentType, byte[] body, boolean contentLength) {
    String text =
        new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8)
            .replaceAll("\\p{Cntrl}", "?");
    return "["
        + contentType
        + (contentLength ? "" : ", chunked")
        + ", "
        + body.length
        + " bytes] "
        + text;
  }
}
