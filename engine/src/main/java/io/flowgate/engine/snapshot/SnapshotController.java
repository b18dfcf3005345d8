package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowgate.engine.instance.InstanceService;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.snapshot.diff.SnapshotDiff;
import io.flowgate.engine.web.TextSanitizer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SnapshotController {

  /** {@code POST /instances/{id}/snapshots}. */
  record SnapshotRequest(
      @NotBlank(message = "is required") @Size(max = 200, message = "at most 200 characters")
          String name,
      @Size(max = 2000, message = "at most 2000 characters") String description) {}

  /** {@code POST /instances/{id}/actions/deploy|rollback}. */
  record DeployRequest(
      String snapshotId,
      @Size(max = 2000, message = "at most 2000 characters") String callbackUrl) {}

  /** {@code POST /snapshots/{id}/export}: the secret the export's secrets are encrypted with. */
  record ExportRequest(String secret) {
    @Override
    public String toString() {
      return "ExportRequest[secret hidden]";
    }
  }

  /** {@code POST /instances/{id}/snapshots/import}: an export file and its secret. */
  record ImportRequest(String secret, JsonNode snapshot) {
    @Override
    public String toString() {
      return "ImportRequest[secret hidden]";
    }
  }

  private final SnapshotService snapshots;
  private final SnapshotTransfer transfer;
  private final SnapshotDeployments deployments;

  SnapshotController(
      SnapshotService snapshots, SnapshotTransfer transfer, SnapshotDeployments deployments) {
    this.snapshots = snapshots;
    this.transfer = transfer;
    this.deployments = deployments;
  }

  @PostMapping(
      path = "/api/v1/instances/{id}/snapshots",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Snapshot> create(
      Caller caller, @PathVariable String id, @Valid @RequestBody SnapshotRequest body) {
    Snapshot snapshot =
        snapshots.create(
            caller,
            id,
            TextSanitizer.plain(body.name()),
            body.description() == null ? null : TextSanitizer.plain(body.description()));
    return ResponseEntity.created(URI.create("/api/v1/snapshots/" + snapshot.id())).body(snapshot);
  }

  @GetMapping("/api/v1/instances/{id}/snapshots")
  List<Snapshot> list(Caller caller, @PathVariable String id) {
    return snapshots.list(caller, id);
  }

  @GetMapping("/api/v1/snapshots/{id}")
  Snapshot get(Caller caller, @PathVariable String id) {
    return snapshots.get(caller, id);
  }

  @DeleteMapping("/api/v1/snapshots/{id}")
  ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
    snapshots.delete(caller, id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/api/v1/snapshots/{id}/content")
  ObjectNode content(Caller caller, @PathVariable String id) {
    return snapshots.content(caller, id);
  }

  @GetMapping("/api/v1/snapshots/{from}/diff/{to}")
  SnapshotDiff diff(Caller caller, @PathVariable String from, @PathVariable String to) {
    return snapshots.diff(caller, from, to);
  }

  /** What changed on the running instance since the snapshot. */
  @GetMapping("/api/v1/instances/{id}/diff")
  SnapshotDiff diffWithLive(
      Caller caller, @PathVariable String id, @RequestParam("snapshot") String snapshotId) {
    return snapshots.diffWithLive(caller, id, snapshotId);
  }

  @PostMapping(path = "/api/v1/snapshots/{id}/export", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<ObjectNode> export(
      Caller caller, @PathVariable String id, @RequestBody ExportRequest body) {
    ObjectNode doc = transfer.export(caller, id, body.secret());
    return ResponseEntity.ok()
        .header(
            HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"snapshot-" + id + ".json\"")
        .body(doc);
  }

  @PostMapping(
      path = "/api/v1/instances/{id}/snapshots/import",
      consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<Snapshot> importSnapshot(
      Caller caller, @PathVariable String id, @RequestBody ImportRequest body) {
    Snapshot snapshot = transfer.importInto(caller, id, body.secret(), body.snapshot());
    return ResponseEntity.created(URI.create("/api/v1/snapshots/" + snapshot.id())).body(snapshot);
  }

  @PostMapping("/api/v1/instances/{id}/actions/deploy")
  ResponseEntity<InstanceService.Accepted> deploy(
      Caller caller, @PathVariable String id, @Valid @RequestBody DeployRequest body) {
    return ResponseEntity.accepted()
        .body(deployments.start(caller, id, body.snapshotId(), false, body.callbackUrl()));
  }

  @PostMapping("/api/v1/instances/{id}/actions/rollback")
  ResponseEntity<InstanceService.Accepted> rollback(
      Caller caller, @PathVariable String id, @Valid @RequestBody DeployRequest body) {
    return ResponseEntity.accepted()
        .body(deployments.start(caller, id, body.snapshotId(), true, body.callbackUrl()));
  }
}
