package io.flowgate.engine.organization;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.engine.testing.ApiTestSupport;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Resources;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Organizations, teams, users, memberships and applications through the REST API. */
class TenancyApiTest extends ApiTestSupport {

  @Autowired IdentityService identity;
  @Autowired AuthorizationService authorizations;

  @Test
  void anOrganizationIsATenantWithGroupsAndGrants() {
    String name = unique("Acme Foods");
    Response created = post("/api/v1/organizations", admin(), body("name", name));
    expect(created, 201);
    JsonNode organization = created.json();
    String id = organization.path("id").asText();
    assertThat(id).matches("[0-9a-z]{16}");
    assertThat(organization.path("name").asText()).isEqualTo(name);
    assertThat(created.header("Location")).isEqualTo("/api/v1/organizations/" + id);

    assertThat(identity.createTenantQuery().tenantId(id).singleResult().getName()).isEqualTo(name);
    assertThat(
            identity
                .createGroupQuery()
                .groupIdIn("org-" + id + "-members", "org-" + id + "-admins")
                .count())
        .isEqualTo(2);
    assertThat(
            authorizations
                .createAuthorizationQuery()
                .groupIdIn("org-" + id + "-members")
                .resourceType(Resources.APPLICATION)
                .list()
                .stream()
                .map(a -> a.getResourceId())
                .toList())
        .containsExactlyInAnyOrder("tasklist", "cockpit");
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where action = 'organization.created' and entity_id = '"
                    + id
                    + "'"))
        .isOne();

    expect(get("/api/v1/organizations/" + id, admin()), 200);
    assertThat(
            expect(post("/api/v1/organizations", admin(), body("name", name.toUpperCase())), 409)
                .json()
                .path("detail")
                .asText())
        .contains("choose another name");
  }

  @Test
  void orgAdminsBuildTeamsAndMembershipsThatCamundaMirrors() {
    String org = createOrganization(unique("Plant"));
    String alice = createUser(org, unique("alice"), "admin");
    String bob = createUser(org, unique("bob"), "member");
    assertThat(identity.checkPassword(bob, PASSWORD)).isTrue();
    assertThat(identity.createTenantQuery().userMember(bob).singleResult().getId()).isEqualTo(org);
    assertThat(memberships(alice)).contains("org-" + org + "-members", "org-" + org + "-admins");
    assertThat(memberships(bob))
        .contains("org-" + org + "-members")
        .doesNotContain("org-" + org + "-admins");

    Response team =
        post(
            "/api/v1/organizations/" + org + "/teams",
            as(alice),
            body("name", "Line 3", "slug", "line-3"));
    expect(team, 201);
    String teamId = team.json().path("id").asText();
    assertThat(team.json().path("organizationId").asText()).isEqualTo(org);
    assertThat(team.header("Location")).isEqualTo("/api/v1/teams/" + teamId);
    assertThat(
            identity
                .createGroupQuery()
                .groupIdIn(
                    "team-" + teamId + "-owners",
                    "team-" + teamId + "-members",
                    "team-" + teamId + "-viewers",
                    "team-" + teamId + "-approvers")
                .count())
        .isEqualTo(4);
    expect(
        post(
            "/api/v1/organizations/" + org + "/teams",
            as(alice),
            body("name", "Other", "slug", "line-3")),
        409);

    // bob is no owner: he may not manage members, and as a stranger to the team he may not see it
    expect(put("/api/v1/teams/" + teamId + "/members/" + bob, as(bob), body("role", "owner")), 404);

    Response added =
        put(
            "/api/v1/teams/" + teamId + "/members/" + bob,
            as(alice),
            body("role", "viewer", "approver", true));
    expect(added, 201);
    assertThat(added.json().path("role").asText()).isEqualTo("viewer");
    assertThat(memberships(bob))
        .contains("team-" + teamId + "-viewers", "team-" + teamId + "-approvers");
    expect(
        post("/api/v1/teams/" + teamId + "/applications", as(bob), body("name", "Filling")), 403);
    expect(put("/api/v1/teams/" + teamId + "/members/" + bob, as(bob), body("role", "owner")), 403);

    Response changed =
        put(
            "/api/v1/teams/" + teamId + "/members/" + bob,
            as(alice),
            body("role", "owner", "approver", false));
    expect(changed, 200);
    assertThat(memberships(bob))
        .contains("team-" + teamId + "-owners")
        .doesNotContain("team-" + teamId + "-viewers", "team-" + teamId + "-approvers");

    Response application =
        post(
            "/api/v1/teams/" + teamId + "/applications",
            as(bob),
            body(
                "name",
                "<b>Filling</b> line",
                "description",
                "Bottles\n<script>alert(1)</script>& caps"));
    expect(application, 201);
    assertThat(application.json().path("name").asText()).isEqualTo("Filling line");
    assertThat(application.json().path("description").asText()).isEqualTo("Bottles\n& caps");
    String applicationId = application.json().path("id").asText();
    assertThat(
            expect(get("/api/v1/teams/" + teamId + "/applications", as(bob)), 200)
                .json()
                .findValuesAsText("id"))
        .containsExactly(applicationId);
    expect(
        post("/api/v1/teams/" + teamId + "/applications", as(bob), body("name", "filling LINE")),
        409);

    // the last owner stays
    expect(delete("/api/v1/teams/" + teamId + "/members/" + bob, as(alice)), 409);
    String carol = createUser(org, unique("carol"), "member");
    expect(
        put("/api/v1/teams/" + teamId + "/members/" + carol, as(bob), body("role", "owner")), 201);
    expect(delete("/api/v1/teams/" + teamId + "/members/" + bob, as(carol)), 204);
    assertThat(memberships(bob)).noneMatch(group -> group.startsWith("team-" + teamId));
    expect(get("/api/v1/teams/" + teamId, as(bob)), 404);

    List<String> members =
        expect(get("/api/v1/teams/" + teamId + "/members", as(carol)), 200)
            .json()
            .findValuesAsText("username");
    assertThat(members).containsExactly(carol);
    assertThat(
            expect(get("/api/v1/organizations/" + org + "/users", as(carol)), 200)
                .json()
                .findValuesAsText("username"))
        .containsExactlyInAnyOrder(alice, bob, carol);
    assertThat(expect(get("/api/v1/organizations/" + org + "/teams", as(bob)), 200).json())
        .isEmpty();
    assertThat(
            expect(get("/api/v1/organizations/" + org + "/teams", as(alice)), 200)
                .json()
                .findValuesAsText("id"))
        .containsExactly(teamId);

    assertThat(
            jdbc.sql("select action from flowgate.audit_log where organization_id = ? order by seq")
                .param(org)
                .query(String.class)
                .list())
        .containsExactly(
            "organization.created",
            "user.created",
            "user.created",
            "team.created",
            "team.member.added",
            "team.member.updated",
            "application.created",
            "user.created",
            "team.member.added",
            "team.member.removed");
  }

  @Test
  void usersAreCheckedAndTheirPasswordNeverStoredOrShown() {
    String org = createOrganization(unique("Pharma"));
    Response invalid =
        post(
            "/api/v1/users",
            admin(),
            body(
                "username", "Bad Name", "password", "short", "email", "nope", "organization", org));
    expect(invalid, 400);
    assertThat(invalid.json().path("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("username", "password", "email");
    assertThat(invalid.body()).doesNotContain("short");

    String dave = unique("dave");
    Response created =
        post(
            "/api/v1/users",
            admin(),
            body(
                "username",
                dave,
                "password",
                "a-secret-password",
                "email",
                dave + "@example.com",
                "organization",
                org,
                "firstName",
                "<i>Dave</i>"));
    expect(created, 201);
    assertThat(created.body()).doesNotContain("a-secret-password");
    assertThat(created.json().path("firstName").asText()).isEqualTo("Dave");
    assertThat(created.json().path("role").asText()).isEqualTo("member");
    assertThat(created.header("Location")).isEqualTo("/api/v1/users/" + dave);
    expect(get("/api/v1/users/" + dave, Auth.basic(dave, "a-secret-password")), 200);
    expect(
        post(
            "/api/v1/users",
            admin(),
            body(
                "username",
                dave,
                "password",
                "another-password",
                "email",
                dave + "@example.com",
                "organization",
                org)),
        409);
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where details like '%a-secret-password%'"))
        .isZero();

    expect(
        put("/api/v1/organizations/" + org + "/members/" + dave, admin(), body("role", "admin")),
        200);
    assertThat(memberships(dave)).contains("org-" + org + "-admins");
    expect(
        put(
            "/api/v1/organizations/" + org + "/members/nobody-here",
            admin(),
            body("role", "admin")),
        404);
  }

  @Test
  void badBodiesGetProblemsThatSayWhatToFix() {
    String org = createOrganization(unique("Bodies"));
    String teams = "/api/v1/organizations/" + org + "/teams";

    Response invalid = post(teams, admin(), body("name", "", "slug", "Not A Slug"));
    expect(invalid, 400);
    assertThat(invalid.header("Content-Type")).startsWith("application/problem+json");
    assertThat(invalid.json().path("detail").asText()).contains("name:").contains("slug:");

    Response malformed = post(teams, admin(), "{\"name\": \"x\", ");
    expect(malformed, 400);
    assertThat(malformed.json().path("detail").asText()).contains("not valid JSON");

    Response unknownField = post(teams, admin(), body("name", "x", "slug", "xx", "colour", "red"));
    expect(unknownField, 400);
    assertThat(unknownField.json().path("detail").asText()).contains("Unknown field 'colour'");

    Response wrongType =
        put("/api/v1/organizations/" + org + "/members/x", admin(), body("role", "boss"));
    expect(wrongType, 400);
    assertThat(wrongType.json().path("detail").asText())
        .contains("role")
        .contains("admin")
        .contains("member");

    Response wrongMediaType = send("POST", teams, admin(), "text/plain", "name=x".getBytes(), true);
    expect(wrongMediaType, 415);
    assertThat(wrongMediaType.json().path("detail").asText()).contains("application/json");

    Response onlyMarkup =
        post(teams, admin(), body("name", "<img src=x onerror=alert(1)>", "slug", "markup"));
    expect(onlyMarkup, 400);
    assertThat(onlyMarkup.json().path("detail").asText()).contains("name");

    expect(get("/api/v1/teams/" + "x".repeat(5000), admin()), 404);
    expect(get("/api/v1/organizations/unknownunknown00", admin()), 404);
  }

  private List<String> memberships(String username) {
    return new ArrayList<>(
        identity.createGroupQuery().groupMember(username).list().stream()
            .map(g -> g.getId())
            .toList());
  }

  @Test
  void organizationAdminsReadOnlyTheirOwnOrganizationsAuditEntries() {
    String a = createOrganization(unique("Audit A"));
    String b = createOrganization(unique("Audit B"));
    String adminOfA = createUser(a, unique("audit-admin"), "admin");
    createTeam(a, unique("qa"));
    createTeam(b, unique("qb"));

    JsonNode items =
        expect(get("/api/v1/audit?limit=1000", as(adminOfA)), 200).json().path("items");
    assertThat(items).isNotEmpty();
    assertThat(items)
        .allSatisfy(item -> assertThat(item.path("organizationId").asText()).isEqualTo(a));
    assertThat(items)
        .extracting(item -> item.path("action").asText())
        .contains("team.created", "user.created");
    // asking for another organization finds nothing rather than leaking it
    assertThat(
            expect(get("/api/v1/audit?organization=" + b, as(adminOfA)), 200).json().path("items"))
        .isEmpty();
    expect(get("/api/v1/audit/verify", as(adminOfA)), 403);
  }
}
