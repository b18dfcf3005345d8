package io.flowgate.engine.storage;

import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.storage.ObjectStoreSettings;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** Health component {@code objectStore}: the bucket answers. */
@Component("objectStoreHealthIndicator")
class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

  private final ObjectStore objectStore;
  private final ObjectStoreSettings settings;

  ObjectStoreHealthIndicator(ObjectStore objectStore, ObjectStoreSettings settings) {
    super("Object storage is unreachable");
    this.objectStore = objectStore;
    this.settings = settings;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    objectStore.ping();
    builder
        .up()
        .withDetail("endpoint", settings.endpoint())
        .withDetail("bucket", settings.bucket());
  }
}
