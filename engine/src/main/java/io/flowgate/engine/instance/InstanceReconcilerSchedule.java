package io.flowgate.engine.instance;

import io.flowgate.engine.FlowgateProperties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the reconciler every {@code FLOWGATE_RECONCILE_INTERVAL} once the application is ready (a
 * zero interval switches it off, e.g. in tests that call it themselves).
 */
@Component
class InstanceReconcilerSchedule implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(InstanceReconcilerSchedule.class);

  private final InstanceReconciler reconciler;
  private final long intervalMillis;
  private ScheduledExecutorService executor;

  InstanceReconcilerSchedule(InstanceReconciler reconciler, FlowgateProperties properties) {
    this.reconciler = reconciler;
    this.intervalMillis = properties.instances().reconcileInterval().toMillis();
  }

  @EventListener(ApplicationReadyEvent.class)
  void ready() {
    if (intervalMillis <= 0 || executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable ->
                Thread.ofPlatform().name("instance-reconciler").daemon().unstarted(runnable));
    executor.scheduleWithFixedDelay(
        this::round, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void round() {
    try {
      reconciler.reconcile();
    } catch (RuntimeException e) {
      log.warn("Reconciler round failed: {}", e.toString());
    }
  }

  @Override
  public void start() {}

  @Override
  public void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return executor != null && !executor.isShutdown();
  }
}
