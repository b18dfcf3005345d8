package io.flowgate.processes;

import java.time.Duration;
import java.util.List;

/**
 * One service task of a model: its activity, its delegate bean and, for a step that runs as a job,
 * how long a failed attempt waits before the next one.
 */
record Step(String activityId, String beanName, Duration retryWait) {

  static final Duration RUNTIME_RETRY_WAIT = Duration.ofSeconds(15);
  static final Duration NOTIFY_RETRY_WAIT = Duration.ofSeconds(30);

  /** A step that touches the runtime: a job with five attempts 15 s apart. */
  static Step runtime(String activityId, String beanName) {
    return new Step(activityId, beanName, RUNTIME_RETRY_WAIT);
  }

  /** A step that runs in the transaction of the step before it. */
  static Step inline(String activityId, String beanName) {
    return new Step(activityId, beanName, null);
  }

  /** "Tell the requester the outcome": a job with five attempts 30 s apart. */
  static Step notification(String activityId) {
    return new Step(activityId, "notifyInstanceCallback", NOTIFY_RETRY_WAIT);
  }

  boolean isJob() {
    return retryWait != null;
  }

  static List<String> activityIds(List<Step> steps) {
    return steps.stream().map(Step::activityId).toList();
  }

  static List<String> beanNames(List<Step> steps) {
    return steps.stream().map(Step::beanName).toList();
  }
}
