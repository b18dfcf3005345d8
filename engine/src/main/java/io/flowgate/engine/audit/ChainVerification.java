package io.flowgate.engine.audit;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The outcome of walking the chain.
 *
 * @param valid whether every entry is intact and linked to the one before
 * @param checked how many entries were examined (up to and including the first broken one)
 * @param firstBroken the first entry that is not what it should be, or null
 * @param head the last intact entry; note it somewhere outside the database to catch a later
 *     removal of entries at the end, which leaves no trace in the chain itself
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ChainVerification(boolean valid, long checked, Broken firstBroken, Head head) {

  /** What is wrong with which entry. */
  public record Broken(long seq, String reason, String detail) {

    static final String CONTENT_CHANGED = "content changed";
    static final String LINK_BROKEN = "link broken";
    static final String ENTRY_MISSING = "entry missing before this one";
  }

  /** An entry's place and hash. */
  public record Head(long seq, String hash) {}
}
