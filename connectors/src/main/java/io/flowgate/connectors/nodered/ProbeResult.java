package io.flowgate.connectors.nodered;

/**
 * What answered at an editor URL.
 *
 * @param nodeRed whether it is a Node-RED editor page
 * @param httpStatus the HTTP status, 0 when nothing answered
 * @param detail why the probe decided so, for logs and the console
 */
public record ProbeResult(boolean nodeRed, int httpStatus, String detail) {}
