package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.test.Deployment;

/** Every path of instance-restart. */
@Deployment(resources = "instance-restart.bpmn")
class InstanceRestartProcessTest extends LifecycleProcessTest {

  InstanceRestartProcessTest() {
    super(
        "instance-restart",
        List.of(STOP_CONTAINER, ENSURE_CONTAINER, START_CONTAINER, WAIT_FOR_EDITOR, MARK_RUNNING),
        Step.notification("notify-running"),
        "instance-running",
        MARK_CRASHED);
  }
}
