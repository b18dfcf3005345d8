package io.flowgate.engine.promotion;

/** An instance a promotion deploys to, the backup it got and how far it came. */
public record PromotionTarget(
    String instanceId, String instanceName, String backupSnapshotId, String state, String reason) {

  static final String PENDING = "pending";
  static final String BACKED_UP = "backed-up";
  static final String DEPLOYED = "deployed";
  static final String VERIFIED = "verified";
  static final String RESTORED = "restored";
}
