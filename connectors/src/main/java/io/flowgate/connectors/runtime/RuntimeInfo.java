package io.flowgate.connectors.runtime;

/**
 * What a runtime says about itself when pinged.
 *
 * @param kind e.g. {@code docker}
 * @param version the engine's version
 * @param detail a human-readable line (API version, OS, storage driver, ...)
 */
public record RuntimeInfo(String kind, String version, String detail) {}
