package io.flowgate.connectors.runtime;

/** What the runtime does when a container's process ends. */
public enum RestartPolicy {
  NO,
  /** Restart after a non-zero exit, a bounded number of times so a crash loop ends visibly. */
  ON_FAILURE,
  UNLESS_STOPPED,
  ALWAYS
}
