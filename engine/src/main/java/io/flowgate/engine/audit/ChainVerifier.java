package io.flowgate.engine.audit;

import io.flowgate.engine.audit.ChainVerification.Broken;
import io.flowgate.engine.audit.ChainVerification.Head;
import org.springframework.stereotype.Service;

/**
 * Walks the whole audit log in seq order and recomputes the chain from the stored columns. Memory
 * stays constant: one page of entries and the previous entry's seq and hash.
 */
@Service
class ChainVerifier {

  static final int PAGE_SIZE = 1000;

  private final AuditReader reader;

  ChainVerifier(AuditReader reader) {
    this.reader = reader;
  }

  ChainVerification verify() {
    AuditQuery everything = new AuditQuery(AuditFilter.NONE, AuditScope.all(), null, false);
    long checked = 0;
    Head previous = null;
    for (AuditEntry entry : reader.walk(everything, PAGE_SIZE)) {
      checked++;
      Broken broken = check(entry, previous);
      if (broken != null) {
        return new ChainVerification(false, checked, broken, previous);
      }
      previous = new Head(entry.seq(), entry.hash());
    }
    return new ChainVerification(true, checked, null, previous);
  }

  /**
   * Seq continuity first (a deleted entry shows as a gap before the next one), then the link to the
   * previous entry, then the entry's own content. The order matters for what is reported: an entry
   * after a gap also fails its link check, but the gap is what happened.
   */
  private static Broken check(AuditEntry entry, Head previous) {
    long expectedSeq = previous == null ? 1 : previous.seq() + 1;
    String expectedLink = previous == null ? AuditLog.GENESIS : previous.hash();
    if (entry.seq() < expectedSeq) {
      // only a row inserted before the first entry (seq 0 or below) gets here
      return new Broken(
          entry.seq(), Broken.LINK_BROKEN, "the chain starts at seq 1; this entry comes before it");
    }
    if (entry.seq() != expectedSeq) {
      return new Broken(
          entry.seq(),
          Broken.ENTRY_MISSING,
          entry.seq() - expectedSeq == 1
              ? "entry " + expectedSeq + " is missing"
              : "entries " + expectedSeq + " to " + (entry.seq() - 1) + " are missing");
    }
    if (!expectedLink.equals(entry.previousHash())) {
      return new Broken(
          entry.seq(),
          Broken.LINK_BROKEN,
          previous == null
              ? "the first entry does not start from the genesis hash"
              : "previous_hash does not match the hash of entry " + previous.seq());
    }
    if (!entry.recomputedHash().equals(entry.hash())) {
      return new Broken(
          entry.seq(),
          Broken.CONTENT_CHANGED,
          "the stored hash does not match the entry's columns: the entry or its hash was edited");
    }
    return null;
  }
}
