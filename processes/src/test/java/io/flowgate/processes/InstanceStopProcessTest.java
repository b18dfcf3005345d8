package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.test.Deployment;

/** Every path of instance-stop. */
@Deployment(resources = "instance-stop.bpmn")
class InstanceStopProcessTest extends LifecycleProcessTest {

  InstanceStopProcessTest() {
    super(
        "instance-stop",
        List.of(STOP_CONTAINER, Step.inline("mark-stopped", "markInstanceStopped")),
        Step.notification("notify-stopped"),
        "instance-stopped",
        MARK_CRASHED);
  }
}
