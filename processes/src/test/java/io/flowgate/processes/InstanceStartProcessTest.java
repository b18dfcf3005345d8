package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.test.Deployment;

/** Every path of instance-start; the container is made again first when a suspend removed it. */
@Deployment(resources = "instance-start.bpmn")
class InstanceStartProcessTest extends LifecycleProcessTest {

  InstanceStartProcessTest() {
    super(
        "instance-start",
        List.of(ENSURE_CONTAINER, START_CONTAINER, WAIT_FOR_EDITOR, MARK_RUNNING),
        Step.notification("notify-running"),
        "instance-running",
        MARK_CRASHED);
  }
}
