package io.flowgate.engine.file;

import java.time.Instant;

/**
 * A file of an instance as listed: its path below {@code files/}, size in bytes, SHA-256 (hex), the
 * content type it was uploaded with, and when and by whom it was last written.
 */
public record InstanceFile(
    String path,
    long size,
    String sha256,
    String contentType,
    Instant updatedAt,
    String updatedBy) {}
