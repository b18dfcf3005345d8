package io.flowgate.engine.promotion;

/**
 * A promotion step that cannot succeed by retrying. Which BPMN error it becomes depends on the
 * step: nothing resolved, approvals missing, or a target that failed.
 */
public class PromotionFailed extends RuntimeException {

  /** What the failure means for the process. */
  public enum Kind {
    /** Before anything was deployed: the promotion fails. */
    NOT_PROMOTABLE,
    /** The approvals on record do not allow the deploy. */
    APPROVALS_MISSING,
    /** A target failed: every target goes back to its backup. */
    TARGET_FAILED
  }

  private final Kind kind;

  public PromotionFailed(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PromotionFailed(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
