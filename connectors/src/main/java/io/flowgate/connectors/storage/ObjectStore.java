package io.flowgate.connectors.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flowgate's objects (snapshots, exports, instance files) in one S3 bucket, through minio-java.
 *
 * <p>Payloads stream: an upload holds at most one part of {@link #PART_SIZE} in memory, a download
 * is read straight from the connection.
 */
public final class ObjectStore implements AutoCloseable {

  /**
   * Upload part size. minio-java buffers one part in memory (it must hash it before sending), so
   * this bounds the heap an upload takes; S3 allows 10,000 parts, so objects up to ~160 GB.
   */
  public static final long PART_SIZE = 16L * 1024 * 1024;

  private static final int DELETE_BATCH = 1000;
  private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchObject");
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

  private final ObjectStoreSettings settings;
  private final OkHttpClient http;
  private final MinioClient client;
  // Short timeouts and no retries: a health check must answer in seconds, not after minutes.
  private final MinioClient pingClient;

  public ObjectStore(ObjectStoreSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.http =
        HttpTemplate.CLIENT
            .newBuilder()
            // own threads and connections, so close() releases exactly this store's
            .dispatcher(new Dispatcher())
            .connectionPool(new ConnectionPool())
            .connectTimeout(Duration.ofSeconds(5))
            .readTimeout(Duration.ofMinutes(2))
            .writeTimeout(Duration.ofMinutes(2))
            .build();
    OkHttpClient.Builder ping =
        http.newBuilder()
            .connectTimeout(PING_TIMEOUT)
            .readTimeout(PING_TIMEOUT)
            .writeTimeout(PING_TIMEOUT)
            .callTimeout(PING_TIMEOUT.plusSeconds(1))
            .retryOnConnectionFailure(false);
    ping.interceptors().removeIf(Http.StatusRetryInterceptor.class::isInstance);
    this.client = newClient(settings, http);
    this.pingClient = newClient(settings, ping.build());
  }

  /**
   * minio's default HTTP client honours SSL_CERT_FILE and SSL_CERT_DIR (private CAs) by parsing
   * every certificate there, which takes about a second; build it once and derive from it.
   */
  private static final class HttpTemplate {
    static final OkHttpClient CLIENT = Http.newDefaultClient();
  }

  private static MinioClient newClient(ObjectStoreSettings settings, OkHttpClient http) {
    return MinioClient.builder()
        .endpoint(settings.endpoint().toString())
        .credentials(settings.accessKey(), settings.secretKey())
        .region(settings.region())
        .httpClient(http, false)
        .build();
  }

  public ObjectStoreSettings settings() {
    return settings;
  }

  /** Creates the bucket unless it exists; safe to call on every start and from several nodes. */
  public void ensureBucket() {
    String bucket = settings.bucket();
    call(
        "create bucket",
        null,
        () -> {
          if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            return null;
          }
          try {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            log.info("Created bucket {} at {}", bucket, settings.endpoint());
          } catch (ErrorResponseException e) {
            String code = errorCode(e);
            // another node created it in between
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
              throw e;
            }
          }
          return null;
        });
  }

  /**
   * Checks that the store answers and accepts the credentials, within about two seconds. The bucket
   * need not exist yet.
   *
   * @throws ObjectStoreException when it does not
   */
  public void ping() {
    call(
        "ping",
        null,
        () ->
            pingClient.bucketExists(BucketExistsArgs.builder().bucket(settings.bucket()).build()));
  }

  /**
   * Stores an object from a stream. The caller keeps ownership of {@code in} and closes it.
   *
   * @param size the exact length, or -1 when unknown (then uploaded in parts of {@link #PART_SIZE})
   */
  public void put(String key, InputStream in, long size, String contentType) {
    requireKey(key);
    Objects.requireNonNull(in, "in");
    call(
        "put",
        key,
        () ->
            client.putObject(
                PutObjectArgs.builder().bucket(settings.bucket()).object(key).stream(
                        in, size < 0 ? null : size, PART_SIZE)
                    .contentType(contentType == null ? "application/octet-stream" : contentType)
                    .build()));
  }

  public void put(String key, byte[] bytes, String contentType) {
    put(key, new ByteArrayInputStream(bytes), bytes.length, contentType);
  }

  /**
   * Opens an object for reading; the bytes come from the network as they are read. Close it.
   *
   * @throws ObjectNotFoundException when there is no such object
   */
  public InputStream get(String key) {
    requireKey(key);
    return call(
        "get",
        key,
        () ->
            client.getObject(
                GetObjectArgs.builder().bucket(settings.bucket()).object(key).build()));
  }

  /** The object's size, time and etag; empty when there is no such object. */
  public Optional<ObjectInfo> stat(String key) {
    requireKey(key);
    try {
      StatObjectResponse stat =
          call(
              "stat",
              key,
              () ->
                  client.statObject(
                      StatObjectArgs.builder().bucket(settings.bucket()).object(key).build()));
      return Optional.of(
          new ObjectInfo(key, stat.size(), toInstant(stat.lastModified()), unquote(stat.etag())));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** All objects whose key starts with {@code prefix}, at any depth, in key order. */
  public List<ObjectInfo> list(String prefix) {
    return call(
        "list",
        prefix,
        () -> {
          List<ObjectInfo> objects = new ArrayList<>();
          for (Result<Item> result : listing(prefix)) {
            Item item = result.get();
            if (!item.isDir()) {
              objects.add(
                  new ObjectInfo(
                      item.objectName(),
                      item.size(),
                      toInstant(item.lastModified()),
                      unquote(item.etag())));
            }
          }
          return List.copyOf(objects);
        });
  }

  /** Deletes an object; deleting one that does not exist is fine. */
  public void delete(String key) {
    requireKey(key);
    call(
        "delete",
        key,
        () -> {
          client.removeObject(
              RemoveObjectArgs.builder().bucket(settings.bucket()).object(key).build());
          return null;
        });
  }

  /**
   * Deletes every object under a prefix (e.g. an instance's files). An empty prefix is refused: it
   * would empty the whole bucket.
   */
  public void deletePrefix(String prefix) {
    requireKey(prefix);
    call(
        "delete prefix",
        prefix,
        () -> {
          List<DeleteRequest.Object> batch = new ArrayList<>(DELETE_BATCH);
          for (Result<Item> result : listing(prefix)) {
            Item item = result.get();
            if (!item.isDir()) {
              batch.add(new DeleteRequest.Object(item.objectName()));
            }
            if (batch.size() == DELETE_BATCH) {
              deleteBatch(batch);
              batch = new ArrayList<>(DELETE_BATCH);
            }
          }
          if (!batch.isEmpty()) {
            deleteBatch(batch);
          }
          return null;
        });
  }

  private void deleteBatch(List<DeleteRequest.Object> batch) throws MinioException {
    // removeObjects is lazy: iterating its results is what sends the request.
    Iterable<Result<DeleteResult.Error>> results =
        client.removeObjects(
            RemoveObjectsArgs.builder().bucket(settings.bucket()).objects(batch).build());
    List<String> failed = new ArrayList<>();
    for (Result<DeleteResult.Error> result : results) {
      DeleteResult.Error error = result.get();
      failed.add(error.objectName() + " (" + error.code() + ")");
    }
    if (!failed.isEmpty()) {
      throw new ObjectStoreException(
          "Could not delete "
              + failed.size()
              + " object(s) in bucket "
              + settings.bucket()
              + ": "
              + String.join(", ", failed.subList(0, Math.min(5, failed.size()))));
    }
  }

  /** One minio call; its checked exception is the only thing the lambda may throw. */
  @FunctionalInterface
  private interface MinioCall<T> {
    T run() throws MinioException;
  }

  /**
   * Runs a minio call and turns its failures into ours. minio-java 9 reports S3 errors as {@link
   * MinioException} but connection failures as an {@link IllegalStateException} around the {@link
   * IOException}, so both are translated here.
   */
  private <T> T call(String operation, String key, MinioCall<T> action) {
    try {
      return action.run();
    } catch (ObjectStoreException e) {
      throw e;
    } catch (MinioException e) {
      throw failure(operation, key, e);
    } catch (RuntimeException e) {
      if (ioCause(e) != null) {
        throw failure(operation, key, e);
      }
      throw e;
    }
  }

  private Iterable<Result<Item>> listing(String prefix) {
    return client.listObjects(
        ListObjectsArgs.builder()
            .bucket(settings.bucket())
            .prefix(prefix == null ? "" : prefix)
            .recursive(true)
            .build());
  }

  @Override
  public void close() {
    closeQuietly(pingClient);
    closeQuietly(client);
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private static void closeQuietly(MinioClient minio) {
    try {
      minio.close();
    } catch (Exception e) {
      log.debug("Closing a MinIO client failed", e);
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("Object key (or prefix) must not be empty");
    }
  }

  private static boolean isNotFound(Exception e) {
    String code = errorCode(e);
    return code != null && NOT_FOUND_CODES.contains(code); // Set.of refuses to look up null
  }

  private static String errorCode(Exception e) {
    return e instanceof ErrorResponseException error && error.errorResponse() != null
        ? error.errorResponse().code()
        : null;
  }

  /**
   * Turns minio's exception into ours with a message that names the operation and the store but
   * never the secret key or request signatures (minio keeps its HTTP trace apart from the message).
   */
  private ObjectStoreException failure(String operation, String key, Exception e) {
    if (key != null && isNotFound(e)) {
      return new ObjectNotFoundException(settings.bucket(), key);
    }
    String target = settings.bucket() + (key == null ? "" : "/" + key);
    String code = errorCode(e);
    if (code != null) {
      ErrorResponseException error = (ErrorResponseException) e;
      return new ObjectStoreException(
          "S3 "
              + operation
              + " "
              + target
              + " at "
              + settings.endpoint()
              + " failed: "
              + code
              + " ("
              + error.errorResponse().message()
              + ")",
          e);
    }
    IOException io = ioCause(e);
    if (io != null) {
      return new ObjectStoreException(
          "S3 endpoint "
              + settings.endpoint()
              + " unreachable ("
              + operation
              + " "
              + target
              + "): "
              + io.getClass().getSimpleName()
              + ": "
              + io.getMessage(),
          e);
    }
    return new ObjectStoreException(
        "S3 "
            + operation
            + " "
            + target
            + " at "
            + settings.endpoint()
            + " failed: "
            + e.getMessage(),
        e);
  }

  private static IOException ioCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException io) {
        return io;
      }
    }
    return null;
  }

  private static Instant toInstant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  @Override
  public String toString() {
    return "ObjectStore[" + settings + "]";
  }
}
