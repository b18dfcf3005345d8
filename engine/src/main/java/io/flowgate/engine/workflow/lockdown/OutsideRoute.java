package io.flowgate.engine.workflow.lockdown;

import java.util.Optional;

/**
 * A request the container routed to one of Camunda's own servlets (its REST API, the webapps' APIs)
 * rather than to Flowgate's: the engine commands it starts are checked against what may come from
 * outside. Held for the thread that serves the request.
 *
 * @param servlet the servlet the container routed to
 * @param method the HTTP method
 * @param uri the request URI as received (not decoded)
 */
record OutsideRoute(String servlet, String method, String uri) {

  private static final ThreadLocal<OutsideRoute> CURRENT = new ThreadLocal<>();

  /** The outside route this thread serves, if any. */
  static Optional<OutsideRoute> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Marks the thread until the returned scope closes, which restores what was marked before. */
  static Scope enter(OutsideRoute route) {
    OutsideRoute before = CURRENT.get();
    CURRENT.set(route);
    return () -> {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    };
  }

  /** How the audit names the route. */
  String describe() {
    return method + " " + uri;
  }

  interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
