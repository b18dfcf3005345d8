package io.flowgate.processes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.test.mock.Mocks;

/**
 * Stands in for the engine's delegate beans: each one records its name when it runs, and a test can
 * make one raise a business failure or fail for a while.
 */
final class RecordingDelegates {

  private final List<String> calls = new ArrayList<>();

  /** Registers a recorder under each bean name, replacing whatever a test registered before. */
  RecordingDelegates(Collection<String> beanNames) {
    beanNames.forEach(name -> Mocks.register(name, recorder(name)));
  }

  /** The beans that ran to the end, in order; failed attempts are not recorded. */
  List<String> calls() {
    return calls;
  }

  /** The beans that ran after the first run of the given one. */
  List<String> callsAfter(String beanName) {
    return calls.subList(calls.indexOf(beanName) + 1, calls.size());
  }

  /** The bean records its call, then raises a BPMN error with the code and reason. */
  void raiseError(String beanName, String errorCode, String reason) {
    Mocks.register(
        beanName,
        (JavaDelegate)
            execution -> {
              calls.add(beanName);
              throw new BpmnError(errorCode, reason);
            });
  }

  /** The bean throws a technical exception the first {@code times} it runs, then succeeds. */
  void failTimes(String beanName, int times, String message) {
    AtomicInteger attempts = new AtomicInteger();
    Mocks.register(
        beanName,
        (JavaDelegate)
            execution -> {
              if (attempts.incrementAndGet() <= times) {
                throw new IllegalStateException(message);
              }
              calls.add(beanName);
            });
  }

  private JavaDelegate recorder(String name) {
    return execution -> calls.add(name);
  }
}
