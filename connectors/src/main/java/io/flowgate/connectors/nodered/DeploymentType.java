package io.flowgate.connectors.nodered;

/** How much of the running configuration Node-RED restarts on a deploy. */
public enum DeploymentType {
  /** Stop everything and start the new configuration. */
  FULL("full"),
  /** Restart only the nodes that changed. */
  NODES("nodes"),
  /** Restart only the flows (tabs) that contain changes. */
  FLOWS("flows"),
  /** Reload the stored flows without sending any (the body is ignored). */
  RELOAD("reload");

  private final String header;

  DeploymentType(String header) {
    this.header = header;
  }

  /** The value of the {@code Node-RED-Deployment-Type} header. */
  public String header() {
    return header;
  }
}
