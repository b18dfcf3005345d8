package io.flowgate.engine.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads the audit log by seq (keyset paging), one page per statement: memory stays bounded by the
 * page size however long the log is, and no transaction or connection is held while a slow client
 * downloads an export.
 */
@Repository
class AuditReader {

  private static final String COLUMNS =
      "seq, occurred_at, actor, action, entity_type, entity_id, organization_id, team_id, details,"
          + " previous_hash, hash";

  private final JdbcClient jdbc;

  AuditReader(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Up to {@code limit} entries that match, in the query's order. */
  List<AuditEntry> page(AuditQuery query, int limit) {
    List<Object> params = new ArrayList<>();
    String where = where(query, params);
    params.add(limit);
    return jdbc.sql(
            "select "
                + COLUMNS
                + " from flowgate.audit_log"
                + where
                + " order by seq "
                + (query.newestFirst() ? "desc" : "asc")
                + " limit ?")
        .params(params)
        .query(AuditReader::entry)
        .list();
  }

  /**
   * Every entry that matches, fetched lazily {@code pageSize} at a time. Entries appended while the
   * walk runs are included when they come after its position.
   */
  Iterable<AuditEntry> walk(AuditQuery query, int pageSize) {
    return () -> new PagingIterator(query, pageSize);
  }

  private final class PagingIterator implements Iterator<AuditEntry> {
    private AuditQuery next;
    private final int pageSize;
    private Iterator<AuditEntry> page = List.<AuditEntry>of().iterator();

    PagingIterator(AuditQuery query, int pageSize) {
      this.next = query;
      this.pageSize = pageSize;
    }

    @Override
    public boolean hasNext() {
      if (!page.hasNext() && next != null) {
        List<AuditEntry> entries = page(next, pageSize);
        // a short page is the last one: no need to ask for an empty one after it
        next = entries.size() < pageSize ? null : next.after(entries.get(entries.size() - 1).seq());
        page = entries.iterator();
      }
      return page.hasNext();
    }

    @Override
    public AuditEntry next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return page.next();
    }
  }

  private static String where(AuditQuery query, List<Object> params) {
    AuditFilter filter = query.filter();
    List<String> conditions = new ArrayList<>();
    equal(conditions, params, "team_id", filter.team());
    equal(conditions, params, "organization_id", filter.organization());
    equal(conditions, params, "entity_type", filter.entityType());
    equal(conditions, params, "entity_id", filter.entityId());
    equal(conditions, params, "actor", filter.actor());
    if (filter.action() != null && filter.actionIsPrefix()) {
      conditions.add("action like ? escape '\\'");
      params.add(likeLiteral(filter.action()) + "%");
    } else {
      equal(conditions, params, "action", filter.action());
    }
    if (filter.from() != null) {
      conditions.add("occurred_at >= ?");
      params.add(OffsetDateTime.ofInstant(filter.from(), ZoneOffset.UTC));
    }
    if (filter.to() != null) {
      conditions.add("occurred_at < ?");
      params.add(OffsetDateTime.ofInstant(filter.to(), ZoneOffset.UTC));
    }
    if (query.afterSeq() != null) {
      conditions.add(query.newestFirst() ? "seq < ?" : "seq > ?");
      params.add(query.afterSeq());
    }
    AuditScope scope = query.scope();
    if (!scope.everything()) {
      conditions.add(
          "organization_id in ("
              + String.join(", ", scope.organizations().stream().map(o -> "?").toList())
              + ")");
      params.addAll(scope.organizations());
    }
    return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
  }

  private static void equal(
      List<String> conditions, List<Object> params, String column, String value) {
    if (value != null) {
      conditions.add(column + " = ?");
      params.add(value);
    }
  }

  /** A prefix taken literally by LIKE: its own % and _ do not match anything. */
  private static String likeLiteral(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** One row of {@code flowgate.audit_log} as stored. */
  static AuditEntry entry(ResultSet rs, int row) throws SQLException {
    return new AuditEntry(
        rs.getLong("seq"),
        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
        rs.getString("actor"),
        rs.getString("action"),
        rs.getString("entity_type"),
        rs.getString("entity_id"),
        rs.getString("organization_id"),
        rs.getString("team_id"),
        rs.getString("details"),
        rs.getString("previous_hash"),
        rs.getString("hash"));
  }
}
