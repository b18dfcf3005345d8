package io.flowgate.engine.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.engine.testing.ApiTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.ProcessEngine;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every endpoint against every kind of caller, with the expected status of each cell written down
 * as one table. {@code {new}} cells get a fresh target per request (a new user, application or
 * token), so each cell checks exactly one thing and the order of cells does not matter.
 */
class AccessMatrixTest extends ApiTestSupport {

  /**
   * Callers: platform admin, admin of the organization, owner / member / viewer of team T, member
   * of another team T2 of the same organization, admin of another organization, anonymous, a
   * revoked and an expired token of T, and valid tokens of T with role owner / member / viewer.
   */
  private static final String MATRIX =
      """
      endpoint                                 padm oadm own  mem  view othT othO anon revk expd tOwn tMem tView
      GET    /api/v1/organizations             200  200  200  200  200  200  200  401  401  401  200  200  200
      POST   /api/v1/organizations             201  403  403  403  403  403  403  401  401  401  403  403  403
      GET    /api/v1/organizations/{A}         200  200  200  200  200  200  404  401  401  401  200  200  200
      GET    /api/v1/organizations/{A}/teams   200  200  200  200  200  200  404  401  401  401  200  200  200
      POST   /api/v1/organizations/{A}/teams   201  201  403  403  403  403  404  401  401  401  403  403  403
      GET    /api/v1/organizations/{A}/users   200  200  200  200  200  200  404  401  401  401  403  403  403
      PUT    /api/v1/organizations/{A}/members/{new}
                                               200  200  403  403  403  403  404  401  401  401  403  403  403
      POST   /api/v1/users                     201  201  403  403  403  403  404  401  401  401  403  403  403
      GET    /api/v1/users/{member}            200  200  200  200  200  200  404  401  401  401  403  403  403
      GET    /api/v1/teams/{T}                 200  200  200  200  200  404  404  401  401  401  200  200  200
      GET    /api/v1/teams/{T}/members         200  200  200  200  200  404  404  401  401  401  200  200  200
      GET    /api/v1/teams/{T}/members/{member}
                                               200  200  200  200  200  404  404  401  401  401  200  200  200
      PUT    /api/v1/teams/{T}/members/{new}   201  201  201  403  403  404  404  401  401  401  403  403  403
      DELETE /api/v1/teams/{T}/members/{new}   204  204  204  403  403  404  404  401  401  401  403  403  403
      GET    /api/v1/teams/{T}/applications    200  200  200  200  200  404  404  401  401  401  200  200  200
      POST   /api/v1/teams/{T}/applications    201  201  201  201  403  404  404  401  401  401  201  201  403
      GET    /api/v1/applications/{app}        200  200  200  200  200  404  404  401  401  401  200  200  200
      DELETE /api/v1/applications/{new}        204  204  204  204  403  404  404  401  401  401  204  204  403
      GET    /api/v1/applications/{app}/pipelines
                                               200  200  200  200  200  404  404  401  401  401  200  200  200
      POST   /api/v1/applications/{app}/pipelines
                                               201  201  201  201  403  404  404  401  401  401  201  201  403
      GET    /api/v1/pipelines/{pipeline}      200  200  200  200  200  404  404  401  401  401  200  200  200
      PUT    /api/v1/pipelines/{pipeline}      200  200  200  200  403  404  404  401  401  401  200  200  403
      DELETE /api/v1/pipelines/{new}           204  204  204  204  403  404  404  401  401  401  204  204  403
      GET    /api/v1/teams/{T}/tokens          200  200  200  403  403  404  404  401  401  401  403  403  403
      POST   /api/v1/teams/{T}/tokens          201  201  201  403  403  404  404  401  401  401  403  403  403
      GET    /api/v1/teams/{T}/tokens/{token}  200  200  200  403  403  404  404  401  401  401  403  403  403
      DELETE /api/v1/teams/{T}/tokens/{new}    204  204  204  403  403  404  404  401  401  401  403  403  403
      GET    /api/v1/teams/{T}/device-states   200  200  200  200  200  404  404  401  401  401  200  200  200
      GET    /api/v1/teams/{T}/rollouts        200  200  200  200  200  404  404  401  401  401  200  200  200
      GET    /api/v1/me                        200  200  200  200  200  200  200  401  401  401  200  200  200
      GET    /api/v1/teams/{unknown}           404  404  404  404  404  404  404  401  401  401  404  404  404
      GET    /engine-rest/process-instance     200  200  200  200  200  200  200  401  401  401  403  403  403
      GET    /api/v1/audit                     200  200  403  403  403  403  200  401  401  401  403  403  403
      GET    /api/v1/audit/export              200  200  403  403  403  403  200  401  401  401  403  403  403
      GET    /api/v1/audit/verify              200  403  403  403  403  403  403  401  401  401  403  403  403
      """;

  /** A request of one cell. */
  private record Call(String method, String path, Object body) {}

  @Autowired ProcessEngine processEngine;

  private String orgA;
  private String teamT;
  private String application;
  private String tokenId;
  private String pipeline;
  private final Map<String, Auth> callers = new LinkedHashMap<>();

  @Test
  void everyCallerGetsTheExpectedStatusFromEveryEndpoint() {
    setUp();
    Map<String, Supplier<Call>> endpoints = endpoints();
    List<String> columns = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int cells = 0;
    String pending = null;
    for (String line : MATRIX.strip().split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields[0].equals("endpoint")) {
        columns.addAll(List.of(fields).subList(1, fields.length));
        assertThat(columns).containsExactlyElementsOf(callers.keySet());
        continue;
      }
      if (fields.length == 2) {
        pending = fields[0] + " " + fields[1]; // the statuses follow on the next line
        continue;
      }
      String endpoint;
      int first;
      if (pending != null) {
        endpoint = pending;
        first = 0;
        pending = null;
      } else {
        endpoint = fields[0] + " " + fields[1];
        first = 2;
      }
      Supplier<Call> call = endpoints.get(endpoint);
      assertThat(call).as("an endpoint for %s", endpoint).isNotNull();
      assertThat(fields.length - first).as("cells of %s", endpoint).isEqualTo(columns.size());
      for (int i = 0; i < columns.size(); i++) {
        int expected = Integer.parseInt(fields[first + i]);
        Call request = call.get();
        Auth caller = callers.get(columns.get(i));
        Response response =
            request.body() == null
                ? send(request.method(), request.path(), caller, null, null, true)
                : sendJson(request.method(), request.path(), caller, request.body());
        cells++;
        if (response.status() != expected) {
          failures.add(
              String.format(
                  "%-45s %-5s expected %d, got %s", endpoint, columns.get(i), expected, response));
        }
        if (response.status() >= 400 && !request.path().startsWith("/engine-rest")) {
          assertThat(response.header("Content-Type"))
              .as("%s as %s", endpoint, columns.get(i))
              .startsWith("application/problem+json");
        }
      }
    }
    System.out.printf(
        "Access matrix: %d endpoints x %d callers = %d cells checked, %d wrong%n",
        endpoints.size(), columns.size(), cells, failures.size());
    assertThat(failures).as("cells with another status than the table's").isEmpty();
    assertThat(cells).isEqualTo(endpoints.size() * columns.size()).isGreaterThanOrEqualTo(150);
  }

  private void setUp() {
    orgA = createOrganization(unique("Matrix A"));
    String orgB = createOrganization(unique("Matrix B"));
    String orgAdmin = createUser(orgA, unique("oadm"), "admin");
    teamT = createTeam(orgA, unique("t"));
    String teamT2 = createTeam(orgA, unique("t2"));
    String owner = createUser(orgA, unique("own"), "member");
    String member = createUser(orgA, unique("mem"), "member");
    String viewer = createUser(orgA, unique("view"), "member");
    String otherTeam = createUser(orgA, unique("otht"), "member");
    String otherOrg = createUser(orgB, unique("otho"), "admin");
    putMember(teamT, owner, "owner", true);
    putMember(teamT, member, "member", true);
    putMember(teamT, viewer, "viewer", false);
    putMember(teamT2, otherTeam, "member", false);
    application = newApplication();
    pipeline = newPipeline();
    tokenId = expect(post(tokens(), admin(), tokenBody("owner")), 201).json().path("id").asText();
    memberName = member;

    Response revoking = expect(post(tokens(), admin(), tokenBody("owner")), 201);
    String revoked = revoking.json().path("token").asText();
    expect(delete(tokens() + "/" + revoking.json().path("id").asText(), admin()), 204);
    Response expiring = expect(post(tokens(), admin(), tokenBody("owner")), 201);
    jdbc.sql("update flowgate.token set expires_at = now() - interval '1 second' where id = ?")
        .param(expiring.json().path("id").asText())
        .update();

    callers.put("padm", admin());
    callers.put("oadm", as(orgAdmin));
    callers.put("own", as(owner));
    callers.put("mem", as(member));
    callers.put("view", as(viewer));
    callers.put("othT", as(otherTeam));
    callers.put("othO", as(otherOrg));
    callers.put("anon", Auth.NONE);
    callers.put("revk", Auth.bearer(revoked));
    callers.put("expd", Auth.bearer(expiring.json().path("token").asText()));
    for (String[] column :
        new String[][] {{"tOwn", "owner"}, {"tMem", "member"}, {"tView", "viewer"}}) {
      String token =
          expect(post(tokens(), admin(), tokenBody(column[1])), 201).json().path("token").asText();
      callers.put(column[0], Auth.bearer(token));
    }
  }

  private String memberName;

  private Map<String, Supplier<Call>> endpoints() {
    String a = "/api/v1/organizations/" + orgA;
    String t = "/api/v1/teams/" + teamT;
    Map<String, Supplier<Call>> endpoints = new LinkedHashMap<>();
    endpoints.put(
        "GET /api/v1/organizations", () -> new Call("GET", "/api/v1/organizations", null));
    endpoints.put(
        "POST /api/v1/organizations",
        () -> new Call("POST", "/api/v1/organizations", body("name", unique("Org"))));
    endpoints.put("GET /api/v1/organizations/{A}", () -> new Call("GET", a, null));
    endpoints.put("GET /api/v1/organizations/{A}/teams", () -> new Call("GET", a + "/teams", null));
    endpoints.put(
        "POST /api/v1/organizations/{A}/teams",
        () -> new Call("POST", a + "/teams", body("name", "Team", "slug", unique("s"))));
    endpoints.put("GET /api/v1/organizations/{A}/users", () -> new Call("GET", a + "/users", null));
    endpoints.put(
        "PUT /api/v1/organizations/{A}/members/{new}",
        () ->
            new Call(
                "PUT",
                a + "/members/" + createUser(orgA, unique("u"), "member"),
                body("role", "admin")));
    endpoints.put(
        "POST /api/v1/users",
        () -> {
          String name = unique("n");
          return new Call(
              "POST",
              "/api/v1/users",
              body(
                  "username",
                  name,
                  "password",
                  PASSWORD,
                  "email",
                  name + "@example.com",
                  "organization",
                  orgA));
        });
    endpoints.put(
        "GET /api/v1/users/{member}", () -> new Call("GET", "/api/v1/users/" + memberName, null));
    endpoints.put("GET /api/v1/teams/{T}", () -> new Call("GET", t, null));
    endpoints.put("GET /api/v1/teams/{T}/members", () -> new Call("GET", t + "/members", null));
    endpoints.put(
        "GET /api/v1/teams/{T}/members/{member}",
        () -> new Call("GET", t + "/members/" + memberName, null));
    endpoints.put(
        "PUT /api/v1/teams/{T}/members/{new}",
        () ->
            new Call(
                "PUT",
                t + "/members/" + createUser(orgA, unique("p"), "member"),
                body("role", "member", "approver", true)));
    endpoints.put(
        "DELETE /api/v1/teams/{T}/members/{new}",
        () -> {
          String user = createUser(orgA, unique("d"), "member");
          putMember(teamT, user, "member", false);
          return new Call("DELETE", t + "/members/" + user, null);
        });
    endpoints.put(
        "GET /api/v1/teams/{T}/applications", () -> new Call("GET", t + "/applications", null));
    endpoints.put(
        "POST /api/v1/teams/{T}/applications",
        () -> new Call("POST", t + "/applications", body("name", unique("App"))));
    endpoints.put(
        "GET /api/v1/applications/{app}",
        () -> new Call("GET", "/api/v1/applications/" + application, null));
    endpoints.put(
        "DELETE /api/v1/applications/{new}",
        () -> new Call("DELETE", "/api/v1/applications/" + newApplication(), null));
    String pipelines = "/api/v1/applications/" + application + "/pipelines";
    endpoints.put(
        "GET /api/v1/applications/{app}/pipelines", () -> new Call("GET", pipelines, null));
    endpoints.put(
        "POST /api/v1/applications/{app}/pipelines",
        () -> new Call("POST", pipelines, pipelineBody(unique("Pipeline"))));
    endpoints.put(
        "GET /api/v1/pipelines/{pipeline}",
        () -> new Call("GET", "/api/v1/pipelines/" + pipeline, null));
    endpoints.put(
        "PUT /api/v1/pipelines/{pipeline}",
        () -> new Call("PUT", "/api/v1/pipelines/" + pipeline, pipelineBody(unique("Pipeline"))));
    endpoints.put(
        "DELETE /api/v1/pipelines/{new}",
        () -> new Call("DELETE", "/api/v1/pipelines/" + newPipeline(), null));
    endpoints.put("GET /api/v1/teams/{T}/tokens", () -> new Call("GET", tokens(), null));
    endpoints.put(
        "POST /api/v1/teams/{T}/tokens", () -> new Call("POST", tokens(), tokenBody("member")));
    endpoints.put(
        "GET /api/v1/teams/{T}/tokens/{token}",
        () -> new Call("GET", tokens() + "/" + tokenId, null));
    endpoints.put(
        "DELETE /api/v1/teams/{T}/tokens/{new}",
        () ->
            new Call(
                "DELETE",
                tokens()
                    + "/"
                    + expect(post(tokens(), admin(), tokenBody("viewer")), 201)
                        .json()
                        .path("id")
                        .asText(),
                null));
    endpoints.put(
        "GET /api/v1/teams/{T}/device-states", () -> new Call("GET", t + "/device-states", null));
    endpoints.put("GET /api/v1/teams/{T}/rollouts", () -> new Call("GET", t + "/rollouts", null));
    endpoints.put("GET /api/v1/me", () -> new Call("GET", "/api/v1/me", null));
    endpoints.put(
        "GET /api/v1/teams/{unknown}",
        () -> new Call("GET", "/api/v1/teams/0000000000000000", null));
    endpoints.put(
        "GET /engine-rest/process-instance",
        // the tests' engine has a generated name, so engine-rest paths name it
        () ->
            new Call(
                "GET",
                "/engine-rest/engine/" + processEngine.getName() + "/process-instance",
                null));
    endpoints.put("GET /api/v1/audit", () -> new Call("GET", "/api/v1/audit", null));
    endpoints.put("GET /api/v1/audit/export", () -> new Call("GET", "/api/v1/audit/export", null));
    endpoints.put("GET /api/v1/audit/verify", () -> new Call("GET", "/api/v1/audit/verify", null));
    return endpoints;
  }

  private String tokens() {
    return "/api/v1/teams/" + teamT + "/tokens";
  }

  private String newApplication() {
    return expect(
            post("/api/v1/teams/" + teamT + "/applications", admin(), body("name", unique("app"))),
            201)
        .json()
        .path("id")
        .asText();
  }

  private String newPipeline() {
    return expect(
            post(
                "/api/v1/applications/" + application + "/pipelines",
                admin(),
                pipelineBody(unique("Pipeline"))),
            201)
        .json()
        .path("id")
        .asText();
  }

  private static Map<String, Object> pipelineBody(String name) {
    return body(
        "name",
        name,
        "stages",
        List.of(
            body("name", "Staging", "action", "use_latest"),
            body("name", "Production", "action", "prompt", "protected", true)));
  }

  private static Map<String, Object> tokenBody(String role) {
    return body(
        "name",
        "matrix " + role,
        "role",
        role,
        "expiresAt",
        Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
