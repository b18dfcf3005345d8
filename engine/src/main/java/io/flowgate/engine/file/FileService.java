package io.flowgate.engine.file;

import io.flowgate.connectors.storage.ObjectNotFoundException;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.connectors.storage.ObjectStoreException;
import io.flowgate.engine.audit.AuditEvent;
import io.flowgate.engine.audit.AuditLog;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.security.AccessPolicy;
import io.flowgate.engine.security.AccessPolicy.TeamAction;
import io.flowgate.engine.security.Caller;
import io.flowgate.engine.token.TokenKind;
import io.flowgate.engine.web.ApiProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Instance files: each instance's folder in object storage ({@code instances/<id>/files/<path>}),
 * with a row per file for listings and quota sums.
 *
 * <p>Uploads stream: the body goes from the servlet's input stream straight into the object store's
 * multipart upload (one part, {@link ObjectStore#PART_SIZE}, in memory at a time) while its SHA-256
 * is computed. An upload first claims its path (one upload or delete per path at a time) and holds
 * room in its team's quota: the declared Content-Length, or for a body without one room in steps of
 * {@value #RESERVE_STEP} bytes as it arrives. Quota accounting runs under a lock on the team's row,
 * counting the files and every live upload's hold, so parallel uploads cannot together overshoot
 * the quota. An upload refused or broken off before its end leaves the path's previous file as it
 * was: the object store's put only replaces an object when it completes.
 *
 * <p>Downloads stream from the object store and are checked against the recorded SHA-256 on the
 * way; the last chunk is held back until the check passes, so a client never receives a complete
 * response with other bytes than listed.
 */
@Service
public class FileService {

  /** An operation whose heartbeat is older belongs to an engine node that died. */
  static final Duration STALE = Duration.ofMinutes(5);

  /** Room a body without Content-Length is given at a time. */
  static final long RESERVE_STEP = 4L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(FileService.class);
  private static final int COPY_BUFFER = 64 * 1024;
  private static final int MAX_CONTENT_TYPE = 200;

  private final FileRepository files;
  private final FileQuota quota;
  private final AccessPolicy policy;
  private final ObjectStore objects;
  private final AuditLog audit;
  private final Clock clock;
  private final TransactionTemplate transactions;

  FileService(
      FileRepository files,
      FileQuota quota,
      AccessPolicy policy,
      ObjectStore objects,
      AuditLog audit,
      Clock clock,
      TransactionTemplate transactions) {
    this.files = files;
    this.quota = quota;
    this.policy = policy;
    this.objects = objects;
    this.audit = audit;
    this.clock = clock;
    this.transactions = transactions;
  }

  /** An upload as it arrives: the body and what its headers say. */
  public record Upload(
      InputStream body,
      long contentLength,
      String contentType,
      String ifMatch,
      String ifNoneMatch) {}

  /** A file written, and whether it is new. */
  public record Written(InstanceFile file, boolean created) {}

  /** The object key of an instance's file. */
  public static String key(String instanceId, String path) {
    return InstanceSteps.storagePrefix(instanceId) + "files/" + path;
  }

  public List<InstanceFile> list(Caller caller, String instanceId, String prefix) {
    FileRepository.Target target = target(caller, instanceId, TeamAction.READ);
    return files.list(target.id(), FilePath.prefix(prefix));
  }

  /** The file's row; its content comes with {@link #copy}. */
  public InstanceFile find(Caller caller, String instanceId, String encodedPath) {
    FileRepository.Target target = target(caller, instanceId, TeamAction.READ);
    FilePath path = FilePath.fromUrl(encodedPath);
    return files
        .find(target.id(), path.value())
        .orElseThrow(
            () ->
                files.anyFileBelow(target.id(), path.value())
                    ? ApiProblem.notFound(
                        "'"
                            + path
                            + "' is a folder, not a file; GET .../files/"
                            + path
                            + "/ lists it")
                    : noFile(path));
  }

  /**
   * Streams a file's content to {@code out}, checking it against the recorded size and SHA-256.
   * Returns false when the client went away.
   *
   * @throws ApiProblem 404 when the content is gone from storage before anything was sent
   * @throws DownloadAborted when storage fails or its bytes do not match the record
   */
  public boolean copy(String instanceId, InstanceFile file, OutputStream out) {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[COPY_BUFFER];
    long remaining = file.size();
    InputStream in;
    try {
      in = objects.get(key(instanceId, file.path()));
    } catch (ObjectNotFoundException e) {
      throw ApiProblem.notFound(
          "The content of '"
              + file.path()
              + "' is no longer in storage (deleted or replaced just now); list the files again");
    }
    try (in) {
      while (true) {
        int n;
        boolean last;
        try {
          n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
          if (n < Math.min(buffer.length, remaining)) {
            throw mismatch(instanceId, file, "ends after " + (file.size() - remaining + n));
          }
          remaining -= n;
          sha256.update(buffer, 0, n);
          last = remaining == 0;
          if (last) {
            if (in.read() != -1) {
              throw mismatch(instanceId, file, "is longer than " + file.size() + " bytes");
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(file.sha256())) {
              throw mismatch(instanceId, file, "has the SHA-256 " + actual);
            }
          }
        } catch (IOException | ObjectStoreException e) {
          log.warn("Reading '{}' of instance {} from storage failed", file.path(), instanceId, e);
          throw new DownloadAborted("storage failed while reading " + file.path(), e);
        }
        try {
          out.write(buffer, 0, n);
          if (last) {
            out.flush();
            return true;
          }
        } catch (IOException e) {
          log.debug("Client went away while downloading '{}' of {}", file.path(), instanceId);
          return false;
        }
      }
    } catch (IOException e) {
      log.debug("Closing the storage stream of '{}' failed", file.path(), e);
      return true;
    }
  }

  /**
   * Stores the body as the file at the path: creates it, or replaces the file there (its bytes and
   * content type). Refused with 413 when the team's quota has no room (the previous file stays),
   * 409 while the path is being written or deleted, or is a folder or below a file, 412 when an
   * {@code If-Match} or {@code If-None-Match} condition fails.
   */
  public Written upload(Caller caller, String instanceId, String encodedPath, Upload upload) {
    FileRepository.Target target = target(caller, instanceId, TeamAction.WRITE);
    FilePath path = FilePath.fromUrl(encodedPath);
    String contentType = contentType(upload.contentType(), path);
    Begun begun =
        transactions.execute(status -> begin(caller, target, path, upload.contentLength(), upload));
    UploadStream body =
        new UploadStream(
            upload.body(),
            upload.contentLength(),
            begun.held(),
            new QuotaHold(target, path, begun.replacedSize()));
    boolean released = false;
    try {
      objects.put(key(target.id(), path.value()), body, upload.contentLength(), contentType);
      String sha256 = body.sha256();
      InstanceFile file =
          new InstanceFile(
              path.value(), body.received(), sha256, contentType, now(), caller.actor());
      try {
        transactions.executeWithoutResult(
            status -> finish(caller, target, file, begun.previous() == null));
        released = true;
      } catch (ApiProblem gone) {
        // the instance is being deleted: what this upload stored goes too
        objects.delete(key(target.id(), path.value()));
        throw gone;
      }
      return new Written(file, begun.previous() == null);
    } catch (RuntimeException e) {
      throw failed(e, body, target, path);
    } finally {
      if (!released) {
        files.release(target.id(), path.value());
      }
    }
  }

  /** Deletes a file. */
  public void delete(Caller caller, String instanceId, String encodedPath) {
    FileRepository.Target target = target(caller, instanceId, TeamAction.WRITE);
    FilePath path = FilePath.fromUrl(encodedPath);
    InstanceFile deleted =
        transactions.execute(
            status -> {
              FileRepository.Target now =
                  files.lockTarget(target.id()).orElseThrow(() -> noInstance(target.id()));
              if (now.deleting()) {
                throw deleting();
              }
              files.deleteStaleOperations(target.teamId(), STALE);
              if (!files.claim(target.id(), path.value(), caller.actor())) {
                throw busy(path);
              }
              InstanceFile file =
                  files.find(target.id(), path.value()).orElseThrow(() -> noFile(path));
              files.delete(target.id(), path.value());
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("path", file.path());
              details.put("size", file.size());
              details.put("sha256", file.sha256());
              audit.record(event(caller, "instance.file-deleted", target, details));
              return file;
            });
    // the row went first: a listed file always has its object, an unlisted object is only waste
    try {
      objects.delete(key(target.id(), deleted.path()));
    } finally {
      files.release(target.id(), path.value());
    }
  }

  /** What {@link #begin} found: the file replaced (or null), and the bytes held in the quota. */
  private record Begun(InstanceFile previous, long held) {
    long replacedSize() {
      return previous == null ? 0 : previous.size();
    }
  }

  private Begun begin(
      Caller caller,
      FileRepository.Target target,
      FilePath path,
      long declared,
      Upload conditions) {
    // a deletion that starts after this check is caught when the upload finishes
    FileRepository.Target now =
        files.target(target.id()).orElseThrow(() -> noInstance(target.id()));
    if (now.deleting()) {
      throw deleting();
    }
    long limit = quota.lockAndLimit(target.teamId());
    files.deleteStaleOperations(target.teamId(), STALE);
    if (!files.claim(target.id(), path.value(), caller.actor())) {
      throw busy(path);
    }
    InstanceFile previous = files.find(target.id(), path.value()).orElse(null);
    checkConditions(path, previous, conditions);
    List<String> folders = path.folders();
    if (files.anyFileAt(target.id(), folders)) {
      throw ApiProblem.conflict(
          "A folder of '"
              + path
              + "' is a file ("
              + String.join(" or ", folders)
              + "); delete that file or choose another path");
    }
    if (files.anyFileBelow(target.id(), path.value())) {
      throw ApiProblem.conflict(
          "'" + path + "' is a folder with files in it; choose another path for this file");
    }
    if (files.anyUploadInTheWay(target.id(), path.value(), folders, STALE)) {
      throw ApiProblem.conflict(
          "Another upload is writing a file at a folder of '"
              + path
              + "' or inside it as a folder; try again when it ends");
    }
    long replaced = previous == null ? 0 : previous.size();
    long used = files.teamUsage(target.teamId());
    long others = files.reservedByOthers(target.teamId(), target.id(), path.value(), STALE);
    long base = used - replaced + others;
    long held;
    if (declared >= 0) {
      if (base + declared > limit) {
        throw overQuota(limit, used + others, declared, true);
      }
      held = declared;
    } else {
      held = Math.max(0, Math.min(RESERVE_STEP, limit - base));
    }
    files.reserve(target.id(), path.value(), held);
    return new Begun(previous, held);
  }

  /** The upload's hold on its team's quota, extended and kept alive as bytes arrive. */
  private final class QuotaHold implements UploadStream.Hold {
    private final FileRepository.Target target;
    private final FilePath path;
    private final long replaced;

    QuotaHold(FileRepository.Target target, FilePath path, long replaced) {
      this.target = target;
      this.path = path;
      this.replaced = replaced;
    }

    @Override
    public long extend(long received) {
      return transactions.execute(
          status -> {
            long limit = quota.lockAndLimit(target.teamId());
            long used = files.teamUsage(target.teamId());
            long others = files.reservedByOthers(target.teamId(), target.id(), path.value(), STALE);
            long room = limit - (used - replaced + others);
            if (received > room) {
              throw new UploadStream.QuotaRefused(limit, used + others, received);
            }
            long held = Math.min(received + RESERVE_STEP, room);
            if (!files.reserve(target.id(), path.value(), held)) {
              throw new UploadStream.Lost();
            }
            return held;
          });
    }

    @Override
    public void heartbeat() {
      if (!files.heartbeat(target.id(), path.value())) {
        throw new UploadStream.Lost();
      }
    }
  }

  private void finish(
      Caller caller, FileRepository.Target target, InstanceFile file, boolean created) {
    // the instance first (a step working on it may hold its row a while), then the team
    FileRepository.Target now =
        files.lockTarget(target.id()).orElseThrow(() -> noInstance(target.id()));
    if (now.deleting()) {
      throw deleting();
    }
    quota.lockAndLimit(target.teamId());
    files.upsert(target.id(), file);
    files.release(target.id(), file.path());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("path", file.path());
    details.put("size", file.size());
    details.put("sha256", file.sha256());
    details.put("contentType", file.contentType());
    details.put("replaced", !created);
    audit.record(event(caller, "instance.file-uploaded", target, details));
  }

  /** What a failed upload answers: the quota's numbers, the broken body, or the failure itself. */
  private RuntimeException failed(
      RuntimeException e, UploadStream body, FileRepository.Target target, FilePath path) {
    UploadStream.Failure failure = body.failure();
    if (failure instanceof UploadStream.Failure.OverQuota over) {
      return overQuota(over.refusal().limit, over.refusal().used, over.refusal().received, false);
    }
    if (failure instanceof UploadStream.Failure.ClaimLost) {
      return ApiProblem.notFound(
          "The instance was deleted while '" + path + "' was uploaded; nothing was stored");
    }
    if (failure instanceof UploadStream.Failure.ClientGone gone) {
      log.info(
          "Upload of '{}' to instance {} broke off after {} bytes: {}",
          path,
          target.id(),
          body.received(),
          gone.cause().toString());
      return new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "Upload incomplete",
          "The body broke off after "
              + body.received()
              + " bytes; nothing was stored, send the file again",
          List.of());
    }
    if (failure instanceof UploadStream.Failure.EndedShort ended) {
      return new ApiProblem(
          HttpStatus.BAD_REQUEST,
          "Upload incomplete",
          "The body ended after "
              + ended.received()
              + " of the "
              + ended.declared()
              + " bytes its Content-Length announced; nothing was stored, send the file again",
          List.of());
    }
    if (e instanceof ObjectStoreException storage) {
      log.warn("Storing '{}' of instance {} failed", path, target.id(), storage);
      return new ApiProblem(
          HttpStatus.SERVICE_UNAVAILABLE,
          "Storage unavailable",
          "Object storage did not take the file; nothing was changed, try again later",
          List.of());
    }
    return e;
  }

  private static void checkConditions(FilePath path, InstanceFile previous, Upload conditions) {
    String ifNoneMatch = conditions.ifNoneMatch();
    if (ifNoneMatch != null && !ifNoneMatch.isBlank() && previous != null) {
      if (ifNoneMatch.strip().equals("*") || matches(ifNoneMatch, previous.sha256())) {
        throw preconditionFailed(
            "'" + path + "' exists (If-None-Match: " + ifNoneMatch.strip() + ")");
      }
    }
    String ifMatch = conditions.ifMatch();
    if (ifMatch != null && !ifMatch.isBlank()) {
      if (previous == null) {
        throw preconditionFailed("'" + path + "' does not exist (If-Match)");
      }
      if (!ifMatch.strip().equals("*") && !matches(ifMatch, previous.sha256())) {
        throw preconditionFailed(
            "'" + path + "' has changed: its ETag is \"" + previous.sha256() + "\" (If-Match)");
      }
    }
  }

  /** Whether a list of entity tags (If-Match / If-None-Match) holds the file's. */
  private static boolean matches(String header, String sha256) {
    for (String tag : header.split(",")) {
      String value = tag.strip();
      if (value.startsWith("W/")) {
        value = value.substring(2);
      }
      if (value.equals("\"" + sha256 + "\"")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The content type to store: as sent, or guessed from the file name when none was sent (or the
   * form type curl sends by default). Multipart bodies are forms, not files: refused.
   */
  static String contentType(String sent, FilePath path) {
    if (sent == null
        || sent.isBlank()
        || sent.strip()
            .toLowerCase(Locale.ROOT)
            .startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
      return MediaTypeFactory.getMediaType(path.name())
          .map(MediaType::toString)
          .orElse(MediaType.APPLICATION_OCTET_STREAM_VALUE);
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(sent);
    } catch (InvalidMediaTypeException e) {
      throw ApiProblem.invalid(
          "Content-Type", "is not a media type; send e.g. text/csv or application/octet-stream");
    }
    if ("multipart".equalsIgnoreCase(type.getType())) {
      throw new ApiProblem(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          "Unsupported media type",
          "Send the file's bytes as the request body (curl -T <file>, or --data-binary @<file>"
              + " with its Content-Type), not a multipart form",
          List.of());
    }
    String value = type.toString();
    if (value.length() > MAX_CONTENT_TYPE || value.chars().anyMatch(Character::isISOControl)) {
      throw ApiProblem.invalid(
          "Content-Type", "is longer than " + MAX_CONTENT_TYPE + " characters; shorten it");
    }
    return value;
  }

  /** The instance, after checking the caller may do this to its files. */
  private FileRepository.Target target(Caller caller, String instanceId, TeamAction action) {
    FileRepository.Target target =
        files.target(instanceId).orElseThrow(() -> noInstance(instanceId));
    policy.requireInstanceFiles(
        caller, action, target.organizationId(), target.teamId(), target.id());
    return target;
  }

  private static ApiProblem overQuota(long limit, long used, long size, boolean declared) {
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("quotaBytes", limit);
    numbers.put("usedBytes", used);
    numbers.put("fileBytes", size);
    return new ApiProblem(
        HttpStatus.PAYLOAD_TOO_LARGE,
        "File quota exceeded",
        "The team's files may take "
            + Bytes.format(limit)
            + "; "
            + Bytes.format(used)
            + " are used (or held by uploads under way), and this file "
            + (declared
                ? "of " + Bytes.format(size) + " does not fit"
                : "passed the quota after " + Bytes.format(size) + " (sent without Content-Length)")
            + ". Nothing was stored and an existing file at this path is unchanged. Delete files,"
            + " or ask an organization admin to raise the quota (PUT /api/v1/teams/{team id}/quota"
            + " with fileBytes)",
        List.of(),
        numbers);
  }

  private static AuditEvent event(
      Caller caller, String action, FileRepository.Target target, Map<String, Object> details) {
    if (caller instanceof Caller.Token token && token.kind() == TokenKind.INSTANCE) {
      details.put("via", "instance token");
    }
    return new AuditEvent(
        caller.actor(),
        action,
        "instance",
        target.id(),
        target.organizationId(),
        target.teamId(),
        details);
  }

  private DownloadAborted mismatch(String instanceId, InstanceFile file, String what) {
    log.error(
        "File '{}' of instance {} does not match its record in storage: it {} (recorded: {} bytes,"
            + " SHA-256 {}); the download was cut off",
        file.path(),
        instanceId,
        what,
        file.size(),
        file.sha256());
    return new DownloadAborted("stored content of " + file.path() + " does not match", null);
  }

  private static ApiProblem preconditionFailed(String detail) {
    return new ApiProblem(HttpStatus.PRECONDITION_FAILED, "Precondition failed", detail, List.of());
  }

  private static ApiProblem busy(FilePath path) {
    return ApiProblem.conflict(
        "Another upload or delete of '" + path + "' is under way; try again when it ends");
  }

  private static ApiProblem deleting() {
    return ApiProblem.conflict("The instance is being deleted; its files can no longer change");
  }

  private static ApiProblem noInstance(String id) {
    return ApiProblem.notFound("Instance", id);
  }

  private static ApiProblem noFile(FilePath path) {
    return ApiProblem.notFound(
        "There is no file '" + path + "' in this instance; GET .../files lists them");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
  }
}
