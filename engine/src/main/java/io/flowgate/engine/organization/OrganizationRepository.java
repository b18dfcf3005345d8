package io.flowgate.engine.organization;

import io.flowgate.engine.platform.Ids;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class OrganizationRepository {

  private static final String COLUMNS = "id, name, created_at, approver_grants_need_two_admins";

  private final JdbcClient jdbc;

  OrganizationRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Organization> find(String id) {
    if (!Ids.isWellFormed(id)) {
      return Optional.empty();
    }
    return jdbc.sql("select " + COLUMNS + " from flowgate.organization where id = ?")
        .param(id)
        .query(OrganizationRepository::map)
        .optional();
  }

  void setApproverGrantsNeedTwoAdmins(String id, boolean required) {
    jdbc.sql("update flowgate.organization set approver_grants_need_two_admins = ? where id = ?")
        .params(required, id)
        .update();
  }

  boolean nameTaken(String name) {
    return jdbc.sql("select count(*) from flowgate.organization where lower(name) = lower(?)")
            .param(name)
            .query(Integer.class)
            .single()
        > 0;
  }

  List<Organization> all() {
    return jdbc.sql("select " + COLUMNS + " from flowgate.organization order by lower(name), id")
        .query(OrganizationRepository::map)
        .list();
  }

  List<Organization> ofUser(String username) {
    return jdbc.sql(
            "select o.id, o.name, o.created_at, o.approver_grants_need_two_admins"
                + " from flowgate.organization o"
                + " join flowgate.organization_member m on m.organization_id = o.id"
                + " where m.username = ? order by lower(o.name), o.id")
        .param(username)
        .query(OrganizationRepository::map)
        .list();
  }

  void insert(Organization organization, String createdBy) {
    jdbc.sql(
            "insert into flowgate.organization (id, name, created_at, created_by)"
                + " values (?, ?, ?, ?)")
        .params(
            organization.id(),
            organization.name(),
            Timestamp.from(organization.createdAt()),
            createdBy)
        .update();
  }

  /** The organization a user belongs to and their role there. */
  public Optional<Membership> membershipOf(String username) {
    if (!Ids.isPlausibleUsername(username)) {
      return Optional.empty();
    }
    return jdbc.sql(
            "select organization_id, role from flowgate.organization_member where username = ?")
        .param(username)
        .query(
            (rs, row) ->
                new Membership(
                    rs.getString("organization_id"), OrganizationRole.of(rs.getString("role"))))
        .optional();
  }

  public void insertMember(
      String organizationId, String username, OrganizationRole role, Instant at) {
    jdbc.sql(
            "insert into flowgate.organization_member (organization_id, username, role, created_at)"
                + " values (?, ?, ?, ?)")
        .params(organizationId, username, role.value(), Timestamp.from(at))
        .update();
  }

  void updateMemberRole(String organizationId, String username, OrganizationRole role) {
    jdbc.sql(
            "update flowgate.organization_member set role = ?"
                + " where organization_id = ? and username = ?")
        .params(role.value(), organizationId, username)
        .update();
  }

  /** A user's place in an organization. */
  public record Membership(String organizationId, OrganizationRole role) {}

  private static Organization map(ResultSet rs, int row) throws SQLException {
    return new Organization(
        rs.getString("id"),
        rs.getString("name"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getBoolean("approver_grants_need_two_admins"));
  }
}
