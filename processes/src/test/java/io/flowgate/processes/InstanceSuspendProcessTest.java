package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.test.Deployment;

/** Every path of instance-suspend: the container goes, storage and resources stay. */
@Deployment(resources = "instance-suspend.bpmn")
class InstanceSuspendProcessTest extends LifecycleProcessTest {

  InstanceSuspendProcessTest() {
    super(
        "instance-suspend",
        List.of(
            STOP_CONTAINER,
            REMOVE_CONTAINER,
            Step.inline("mark-suspended", "markInstanceSuspended")),
        Step.notification("notify-suspended"),
        "instance-suspended",
        MARK_CRASHED);
  }
}
