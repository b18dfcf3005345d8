package io.flowgate.engine.callback;

/**
 * A callback that did not arrive, with what a team may read about it: an HTTP status or a short
 * category, never the network library's text (which would tell a port scanner what it found). It
 * becomes the failed job's message, shown in Cockpit's incident; it carries no cause on purpose.
 */
public final class CallbackDeliveryFailed extends RuntimeException {

  private static final long serialVersionUID = 1L;

  CallbackDeliveryFailed(String category) {
    super("Callback delivery failed: " + category);
  }
}
