package io.flowgate.connectors.storage;

import java.net.URI;
import java.util.Objects;

/**
 * Where and how to reach the S3 bucket that holds Flowgate's objects.
 *
 * @param endpoint e.g. {@code http://minio:9000}
 * @param accessKey S3 access key (an identifier, not a secret)
 * @param secretKey S3 secret key; never printed
 * @param bucket the bucket Flowgate owns
 * @param region S3 region; {@code us-east-1} when null (what MinIO and s3proxy expect)
 */
public record ObjectStoreSettings(
    URI endpoint, String accessKey, String secretKey, String bucket, String region) {

  public static final String DEFAULT_REGION = "us-east-1";

  public ObjectStoreSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket is required");
    }
    region = region == null || region.isBlank() ? DEFAULT_REGION : region;
  }

  /** Leaves the secret key out: settings end up in logs and error messages. */
  @Override
  public String toString() {
    return "ObjectStoreSettings[endpoint="
        + endpoint
        + ", accessKey="
        + accessKey
        + ", secretKey=****, bucket="
        + bucket
        + ", region="
        + region
        + "]";
  }
}
