package io.flowgate.engine.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The heartbeats' write-behind gives way to a transaction that holds a device's row (a rollout step
 * moving devices in bulk) instead of waiting into a deadlock, and writes the report with the next
 * flush.
 */
class WriteBehindGivesWayTest extends DeviceTestSupport {

  @Autowired LiveDevices live;
  @Autowired TransactionTemplate transactions;

  private String storedState(String id) {
    return jdbc.sql("select state from flowgate.device where id = ?")
        .param(id)
        .query(String.class)
        .optional()
        .orElse(null);
  }

  @Test
  void aHeldRowDelaysTheReportToTheNextFlush() throws Exception {
    JsonNode device = register("held");
    String id = id(device);
    live.flush();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        Thread.ofPlatform()
            .start(
                () ->
                    transactions.executeWithoutResult(
                        tx -> {
                          jdbc.sql("select id from flowgate.device where id = ? for update")
                              .param(id)
                              .query(String.class)
                              .single();
                          held.countDown();
                          try {
                            release.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        }));
    assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(heartbeat(id, token(device), state(null, null, "stopped")).status()).isEqualTo(200);
    long start = System.nanoTime();
    live.flush();
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(waitedMillis)
        .as("the flush gives way after its lock timeout")
        .isLessThan(DeviceRepository.REPORTS_LOCK_TIMEOUT_MILLIS + 2_000L);
    assertThat(storedState(id)).as("not written while the row is held").isNull();

    release.countDown();
    holder.join(30_000);
    live.flush();
    assertThat(storedState(id)).as("written with the next flush").isEqualTo("stopped");
  }
}
