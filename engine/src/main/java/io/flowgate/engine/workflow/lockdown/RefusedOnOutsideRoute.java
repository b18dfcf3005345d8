package io.flowgate.engine.workflow.lockdown;

import org.camunda.bpm.engine.AuthorizationException;

/**
 * An engine command refused because it came from an outside route. An {@link
 * AuthorizationException}, so Camunda's REST API and the webapps answer it with 403.
 */
final class RefusedOnOutsideRoute extends AuthorizationException {

  RefusedOnOutsideRoute(String message) {
    super(message);
  }
}
