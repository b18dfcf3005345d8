package io.flowgate.engine.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server left running by a Flowgate process that was killed: the child survives its
 * parent and keeps {@code postmaster.pid}, so a new start would fail with "lock file already
 * exists". Only called while holding the {@link DataFolder} lock, so such a server has no owner.
 */
final class OrphanPostmaster {

  private static final Logger log = LoggerFactory.getLogger(OrphanPostmaster.class);

  private OrphanPostmaster() {}

  static void stopIfRunning(Path cluster, Duration grace) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> postmaster =
        lines.isEmpty() ? Optional.empty() : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
    if (postmaster.isEmpty() || !postmaster.get().isAlive() || !isPostgres(postmaster.get())) {
      return; // a stale file: PostgreSQL itself replaces it when its pid is gone
    }
    ProcessHandle orphan = postmaster.get();
    log.warn(
        "Stopping PostgreSQL (pid {}) left running in {} by an earlier Flowgate process",
        orphan.pid(),
        cluster);
    orphan.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with their JVM
    try {
      orphan.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      orphan.destroyForcibly();
    } catch (ExecutionException e) {
      throw new IOException("could not stop the orphan PostgreSQL " + orphan.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the orphan PostgreSQL", e);
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process.info().command().map(command -> command.endsWith("postgres")).orElse(true);
  }
}
