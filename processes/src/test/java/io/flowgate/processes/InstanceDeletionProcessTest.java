package io.flowgate.processes;

import java.util.List;
import org.camunda.bpm.engine.test.Deployment;

/** Every path of instance-deletion; a failed deletion is marked as such, not as a crash. */
@Deployment(resources = "instance-deletion.bpmn")
class InstanceDeletionProcessTest extends LifecycleProcessTest {

  InstanceDeletionProcessTest() {
    super(
        "instance-deletion",
        List.of(
            REMOVE_CONTAINER,
            Step.runtime("delete-storage", "deleteInstanceStorage"),
            Step.runtime("release-resources", "releaseInstanceResources"),
            Step.inline("delete-record", "deleteInstanceRecord")),
        Step.notification("notify-deleted"),
        "instance-deleted",
        new FailureHandling(
            Step.inline("mark-deletion-failed", "markInstanceDeletionFailed"),
            Step.notification("notify-deletion-failed"),
            "instance-not-deleted"));
  }
}
