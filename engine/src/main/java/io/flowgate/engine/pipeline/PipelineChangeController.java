package io.flowgate.engine.pipeline;

import io.flowgate.engine.approval.DecisionRequest;
import io.flowgate.engine.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(
    name = "Pipeline changes",
    description =
        "Changes that weaken a protected stage a promotion went into, waiting for the approvals of"
            + " a promotion into that stage")
class PipelineChangeController {

  private final PipelineChanges changes;

  PipelineChangeController(PipelineChanges changes) {
    this.changes = changes;
  }

  @GetMapping("/api/v1/pipeline-changes/{id}")
  @Operation(summary = "Get a pipeline change with its decisions")
  PipelineChangeView get(Caller caller, @PathVariable String id) {
    return changes.get(caller, id);
  }

  @GetMapping("/api/v1/pipelines/{id}/changes")
  @Operation(summary = "List the changes of a pipeline, newest first")
  List<PipelineChangeView> ofPipeline(Caller caller, @PathVariable String id) {
    return changes.ofPipeline(caller, id);
  }

  @PostMapping("/api/v1/pipeline-changes/{id}/approvals")
  @Operation(
      summary = "Approve or reject a pipeline change",
      description =
          "People only, never the requester: two different approvers of the stage's approver"
              + " group, each one since before the request; a rejection needs a comment.")
  PipelineChangeView decide(
      Caller caller, @PathVariable String id, @Valid @RequestBody DecisionRequest body) {
    return changes.decide(caller, id, body.decision(), body.comment());
  }
}
