package io.flowgate.engine.audit;

import java.util.Locale;

/** Where a read continues, how many entries it returns and in which order. */
record AuditPaging(Long afterSeq, int limit, boolean newestFirst) {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** Reads the paging parameters; a null {@code limit} gives the default. */
  static AuditPaging parse(
      String afterSeq,
      String limit,
      String order,
      boolean newestFirstByDefault,
      InvalidParameters invalid) {
    Long after = null;
    if (given(afterSeq)) {
      after = number(afterSeq);
      if (after == null || after < 0) {
        invalid.add("afterSeq", "must be a whole number of 0 or more (the nextAfterSeq of a page)");
      }
    }
    int size = DEFAULT_LIMIT;
    if (given(limit)) {
      Long value = number(limit);
      if (value == null || value < 1 || value > MAX_LIMIT) {
        invalid.add("limit", "must be a whole number from 1 to " + MAX_LIMIT);
      } else {
        size = value.intValue();
      }
    }
    boolean newestFirst = newestFirstByDefault;
    if (given(order)) {
      switch (order.trim().toLowerCase(Locale.ROOT)) {
        case "asc" -> newestFirst = false;
        case "desc" -> newestFirst = true;
        default -> invalid.add("order", "must be asc (oldest first) or desc (newest first)");
      }
    }
    return new AuditPaging(after, size, newestFirst);
  }

  private static boolean given(String value) {
    return value != null && !value.isBlank();
  }

  private static Long number(String value) {
    try {
      return Long.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
