package io.flowgate.connectors.runtime;

/** An operation that needs an existing container (start, stop, logs) found none. */
public class ContainerNotFoundException extends InstanceRuntimeException {

  private final String container;

  public ContainerNotFoundException(String container) {
    super("No such container: " + container);
    this.container = container;
  }

  /** The id or name that was asked for. */
  public String container() {
    return container;
  }
}
