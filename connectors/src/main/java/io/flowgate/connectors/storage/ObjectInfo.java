package io.flowgate.connectors.storage;

import java.time.Instant;

/**
 * What the store knows about one object.
 *
 * @param key the object's key inside the bucket
 * @param size its length in bytes
 * @param lastModified when it was last written
 * @param etag the store's entity tag (without quotes)
 */
public record ObjectInfo(String key, long size, Instant lastModified, String etag) {}
