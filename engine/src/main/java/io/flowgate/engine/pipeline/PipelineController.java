package io.flowgate.engine.pipeline;

import io.flowgate.engine.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(
    name = "Pipelines",
    description = "Ordered stages of an application that snapshots are promoted through")
class PipelineController {

  private final PipelineService pipelines;

  PipelineController(PipelineService pipelines) {
    this.pipelines = pipelines;
  }

  @PostMapping(
      path = "/api/v1/applications/{id}/pipelines",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Create a pipeline of the application",
      description =
          "Stages in order, first to last (1 to 20). A stage targets instances of the application,"
              + " each instance at most one stage of the pipeline. Its approvers are its team's"
              + " approvers group unless the stage names another team's of the organization.")
  ResponseEntity<Pipeline> create(
      Caller caller, @PathVariable String id, @Valid @RequestBody PipelineRequest body) {
    Pipeline pipeline = pipelines.create(caller, id, body);
    return ResponseEntity.created(URI.create("/api/v1/pipelines/" + pipeline.id())).body(pipeline);
  }

  @GetMapping("/api/v1/applications/{id}/pipelines")
  @Operation(summary = "List the pipelines of the application, by name")
  List<Pipeline> list(Caller caller, @PathVariable String id) {
    return pipelines.list(caller, id);
  }

  @GetMapping("/api/v1/pipelines/{id}")
  @Operation(summary = "Get a pipeline with its stages")
  Pipeline get(Caller caller, @PathVariable String id) {
    return pipelines.get(caller, id);
  }

  @PutMapping(path = "/api/v1/pipelines/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @Operation(
      summary = "Replace a pipeline's name and stages",
      description =
          "The same body as the create. A stage given with its id keeps that id, stages without"
              + " an id are new, and stages left out are deleted. A change that weakens a"
              + " protected stage a promotion went into (unprotect it, another approver group,"
              + " targets leaving or joining, a stage after it, its removal) answers 202 with a"
              + " pipeline change that waits for the approvals of a promotion into that stage.")
  ResponseEntity<Object> update(
      Caller caller, @PathVariable String id, @Valid @RequestBody PipelineRequest body) {
    return switch (pipelines.update(caller, id, body)) {
      case PipelineService.Edit.Done done -> ResponseEntity.ok(done.pipeline());
      case PipelineService.Edit.AwaitingApproval waiting -> accepted(waiting.change());
    };
  }

  @DeleteMapping("/api/v1/pipelines/{id}")
  @Operation(
      summary = "Delete a pipeline with its stages",
      description =
          "204 when deleted; 202 with a pipeline change when the pipeline has a bound protected"
              + " stage: its deletion then waits for the approvals of a promotion into that stage.")
  ResponseEntity<Object> delete(Caller caller, @PathVariable String id) {
    return pipelines
        .delete(caller, id)
        .map(PipelineController::accepted)
        .orElseGet(() -> ResponseEntity.noContent().build());
  }

  private static ResponseEntity<Object> accepted(PipelineChangeView change) {
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/pipeline-changes/" + change.id()))
        .body(change);
  }
}
