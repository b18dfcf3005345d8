package io.flowgate.engine.snapshot;

import io.flowgate.engine.FlowgateProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the newest automatic snapshots of each instance (FLOWGATE_AUTO_SNAPSHOTS_KEPT) and deletes
 * older ones, except those something still needs. Manual and imported snapshots are the team's to
 * delete.
 */
@Component
class SnapshotRetention {

  private static final Logger log = LoggerFactory.getLogger(SnapshotRetention.class);

  private final SnapshotRepository snapshots;
  private final SnapshotStore store;
  private final int keep;

  SnapshotRetention(
      SnapshotRepository snapshots, SnapshotStore store, FlowgateProperties properties) {
    this.snapshots = snapshots;
    this.store = store;
    this.keep = properties.snapshots().autoKept();
  }

  /** Prunes the instance's automatic snapshots; returns how many went. */
  int prune(String instanceId) {
    int deleted = 0;
    for (Snapshot old : snapshots.autoBeyond(instanceId, keep)) {
      if (snapshots.inUse(old.id())) {
        continue;
      }
      snapshots.delete(old.id());
      if (!snapshots.hashShared(old.hash(), old.id())) {
        store.delete(old.hash());
      }
      deleted++;
    }
    if (deleted > 0) {
      log.info("Instance {}: {} old automatic snapshots deleted", instanceId, deleted);
    }
    return deleted;
  }
}
