package io.flowgate.engine.instance;

import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reserves host ports for instances (they share the host's network). A port is free when no
 * instance holds it and nothing on the host listens on it, so a port another program took is
 * skipped rather than handed to Node-RED to fail on.
 */
@Component
class PortAllocator {

  private final JdbcClient jdbc;
  private final InstanceRepository instances;
  private final FlowgateProperties.Instances settings;

  PortAllocator(JdbcClient jdbc, InstanceRepository instances, FlowgateProperties properties) {
    this.jdbc = jdbc;
    this.instances = instances;
    this.settings = properties.instances();
  }

  /** The instance's port: the one it holds, else the lowest free one now reserved for it. */
  @Transactional
  int reserve(String instanceId) {
    // one reservation at a time across engine nodes; the lock ends with the transaction
    jdbc.sql("select pg_advisory_xact_lock(hashtext('flowgate.instance.port'))")
        .query(Object.class)
        .single();
    InstanceRow instance =
        instances
            .find(instanceId)
            .orElseThrow(() -> new IllegalStateException("Instance " + instanceId + " is gone"));
    if (instance.port() != null) {
      return instance.port();
    }
    Set<Integer> reserved = new HashSet<>(instances.reservedPorts());
    for (int port = settings.portFrom(); port <= settings.portTo(); port++) {
      if (!reserved.contains(port) && nothingListensOn(port)) {
        instances.setPort(instanceId, port, url(port));
        return port;
      }
    }
    throw new NoFreePortException(settings.portFrom(), settings.portTo());
  }

  String url(int port) {
    return "http://" + settings.host() + ":" + port + "/";
  }

  private static boolean nothingListensOn(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // as Node.js does: a port in TIME_WAIT is free, one with a listener is not
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Every port of the range is held: a business outcome, not worth retrying. */
  static final class NoFreePortException extends RuntimeException {
    NoFreePortException(int from, int to) {
      super(
          "No free port left in "
              + from
              + "-"
              + to
              + " (FLOWGATE_INSTANCE_PORTS): delete unused instances or widen the range",
          null,
          false,
          false);
    }
  }
}
