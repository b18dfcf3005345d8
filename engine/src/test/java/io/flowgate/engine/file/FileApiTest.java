package io.flowgate.engine.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowgate.connectors.storage.ObjectStore;
import io.flowgate.engine.instance.InstanceSteps;
import io.flowgate.engine.secret.SecretBox;
import io.flowgate.engine.testing.ApiTestSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The instance files API without containers (jobs do not run here, so instances stay in
 * provisioning, which does not matter to files): round trips keep every byte, the quota refuses
 * with its numbers and leaves existing files alone also under parallel uploads, bad paths are 400,
 * roles and the instance's own token reach exactly what they should.
 */
class FileApiTest extends ApiTestSupport {

  private static final long MIB = 1024 * 1024;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @Autowired ObjectStore objects;
  @Autowired SecretBox secrets;

  @Value("${flowgate.data}")
  Path data;

  private TeamWithApplication made;
  private String instance;

  @BeforeEach
  void anInstance() {
    made = teamWithApplication();
    instance = newInstance(unique("files"));
  }

  @Test
  void aRoundTripKeepsEveryByteAndTheSha256() throws Exception {
    // 20 MiB: more than one upload part of the object store, so a multipart upload
    byte[] content = random(20 * MIB, 1);
    HttpResponse<byte[]> put = upload(owner(), files(instance) + "data/run-1.bin", content, true);
    assertThat(put.statusCode()).as(text(put)).isEqualTo(201);
    JsonNode stored = JSON.readTree(put.body());
    assertThat(stored.path("sha256").asText()).isEqualTo(sha256(content));
    assertThat(stored.path("size").asLong()).isEqualTo(content.length);
    assertThat(stored.path("contentType").asText()).isEqualTo("application/octet-stream");
    assertThat(stored.path("updatedBy").asText()).isEqualTo(made.owner());
    assertThat(put.headers().firstValue("ETag")).hasValue("\"" + sha256(content) + "\"");
    assertThat(put.headers().firstValue("Location"))
        .hasValue("/api/v1/instances/" + instance + "/files/data/run-1.bin");

    HttpResponse<byte[]> got = request("GET", files(instance) + "data/run-1.bin", owner(), null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(sha256(got.body())).isEqualTo(sha256(content));
    assertThat(got.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
    assertThat(got.headers().firstValue("ETag")).hasValue("\"" + sha256(content) + "\"");
    assertThat(got.headers().firstValue("Repr-Digest"))
        .hasValue(
            "sha-256=:"
                + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256(content)))
                + ":");
    assertThat(got.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("attachment"));
    assertThat(got.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(value -> assertThat(value).contains("sandbox"));

    // a body without Content-Length (chunked), with its own content type and a Unicode name
    byte[] csv = "line;temperature\n3;81.5\n".repeat(100_000).getBytes(StandardCharsets.UTF_8);
    String unicode = "berichte/Übersicht Linie 3.csv";
    HttpResponse<byte[]> chunked =
        request(
            "PUT",
            files(instance) + encode(unicode),
            owner(),
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(csv)),
            "Content-Type",
            "text/csv");
    assertThat(chunked.statusCode()).as(text(chunked)).isEqualTo(201);
    HttpResponse<byte[]> csvBack = request("GET", files(instance) + encode(unicode), owner(), null);
    assertThat(csvBack.body()).isEqualTo(csv);
    assertThat(csvBack.headers().firstValue("Content-Type")).hasValue("text/csv");

    // HEAD: the headers only; If-None-Match with the ETag: 304
    HttpResponse<byte[]> head = request("HEAD", files(instance) + "data/run-1.bin", owner(), null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(content.length);
    HttpResponse<byte[]> notModified =
        request(
            "GET",
            files(instance) + "data/run-1.bin",
            owner(),
            null,
            "If-None-Match",
            "\"" + sha256(content) + "\"");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    // replacing answers 200; If-None-Match: * only creates, If-Match only replaces that version
    byte[] second = random(MIB, 2);
    assertThat(upload(owner(), files(instance) + "data/run-1.bin", second, false).statusCode())
        .isEqualTo(200);
    assertThat(
            request(
                    "PUT",
                    files(instance) + "data/run-1.bin",
                    owner(),
                    HttpRequest.BodyPublishers.ofByteArray(content),
                    "If-None-Match",
                    "*")
                .statusCode())
        .isEqualTo(412);
    assertThat(
            request(
                    "PUT",
                    files(instance) + "data/run-1.bin",
                    owner(),
                    HttpRequest.BodyPublishers.ofByteArray(content),
                    "If-Match",
                    "\"" + sha256(content) + "\"")
                .statusCode())
        .isEqualTo(412);
    assertThat(
            request(
                    "PUT",
                    files(instance) + "data/run-1.bin",
                    owner(),
                    HttpRequest.BodyPublishers.ofByteArray(content),
                    "If-Match",
                    "\"" + sha256(second) + "\"")
                .statusCode())
        .isEqualTo(200);
    assertThat(sha256(download(owner(), "data/run-1.bin"))).isEqualTo(sha256(content));

    // an empty file is a file
    assertThat(upload(owner(), files(instance) + "empty", new byte[0], true).statusCode())
        .isEqualTo(201);
    assertThat(download(owner(), "empty")).isEmpty();

    // the objects live under the instance's prefix, nowhere else
    assertThat(objects.list(InstanceSteps.storagePrefix(instance) + "files/"))
        .extracting(info -> info.key())
        .containsExactlyInAnyOrder(
            FileService.key(instance, "data/run-1.bin"),
            FileService.key(instance, unicode),
            FileService.key(instance, "empty"));
  }

  @Test
  void overTheQuotaIs413WithTheNumbersAndTheOldFileStays() throws Exception {
    setFileQuota(8 * MIB);
    byte[] original = random(5 * MIB, 3);
    assertThat(upload(owner(), files(instance) + "big.bin", original, true).statusCode())
        .isEqualTo(201);

    // declared too big: refused before the body is read (the client waits for 100-continue)
    byte[] tooBig = random(9 * MIB, 4);
    HttpResponse<byte[]> refused = upload(owner(), files(instance) + "big.bin", tooBig, true);
    assertThat(refused.statusCode()).as(text(refused)).isEqualTo(413);
    assertThat(refused.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(refused.body());
    assertThat(problem.path("quotaBytes").asLong()).isEqualTo(8 * MIB);
    assertThat(problem.path("usedBytes").asLong()).isEqualTo(5 * MIB);
    assertThat(problem.path("fileBytes").asLong()).isEqualTo(9 * MIB);
    assertThat(problem.path("detail").asText())
        .contains("8.0 MiB")
        .contains("5.0 MiB")
        .contains("9.0 MiB")
        .contains("unchanged");
    assertThat(sha256(download(owner(), "big.bin"))).isEqualTo(sha256(original));
    // and the client was told before it sent a byte of the body
    long[] pulled = {0};
    HttpResponse<byte[]> early =
        send(
            builder(files(instance) + "big.bin", owner())
                .expectContinue(true)
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () ->
                                new java.io.FilterInputStream(new ByteArrayInputStream(tooBig)) {
                                  @Override
                                  public int read(byte[] b, int off, int len) throws IOException {
                                    int n = super.read(b, off, len);
                                    pulled[0] += Math.max(n, 0);
                                    return n;
                                  }
                                }),
                        tooBig.length)));
    assertThat(early.statusCode()).isEqualTo(413);
    assertThat(pulled[0]).as("body bytes the client sent").isZero();

    // without Content-Length: counted as it arrives and cut off at the quota
    HttpResponse<byte[]> chunked =
        request(
            "PUT",
            files(instance) + "big.bin",
            owner(),
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig)));
    assertThat(chunked.statusCode()).as(text(chunked)).isEqualTo(413);
    assertThat(JSON.readTree(chunked.body()).path("detail").asText())
        .contains("without Content-Length");
    assertThat(sha256(download(owner(), "big.bin")))
        .as("a refused overwrite leaves the file as it was")
        .isEqualTo(sha256(original));
    assertThat(
            upload(owner(), files(instance) + "other.bin", random(4 * MIB, 5), false).statusCode())
        .as("a second file that does not fit beside the first")
        .isEqualTo(413);

    // replacing counts the difference: 7 MiB in place of 5 fits in 8
    byte[] replacement = random(7 * MIB, 6);
    assertThat(upload(owner(), files(instance) + "big.bin", replacement, true).statusCode())
        .isEqualTo(200);
    JsonNode quota =
        expect(get("/api/v1/teams/" + made.team() + "/quota", as(made.owner())), 200).json();
    assertThat(quota.path("fileBytes").asLong()).isEqualTo(8 * MIB);
    assertThat(quota.path("fileBytesUsed").asLong()).isEqualTo(7 * MIB);
    assertThat(quota.path("fileBytesPlatformDefault").asBoolean()).isFalse();
    assertThat(count("select count(*) from flowgate.instance_file_operation")).isZero();

    // cut off after a first part went to storage: the multipart upload is abandoned, no debris
    setFileQuota(24 * MIB);
    byte[] multipart = random(30 * MIB, 8);
    HttpResponse<byte[]> cut =
        request(
            "PUT",
            files(instance) + "multi.bin",
            owner(),
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(multipart)));
    assertThat(cut.statusCode()).as(text(cut)).isEqualTo(413);
    assertThat(request("GET", files(instance) + "multi.bin", owner(), null).statusCode())
        .isEqualTo(404);
    try (var stored = Files.walk(data.resolve("objects"))) {
      assertThat(
              stored
                  .filter(Files::isRegularFile)
                  .map(file -> file.toString())
                  .filter(file -> file.contains(instance)))
          .as("files of the instance in the embedded S3 server's folder")
          .hasSize(1)
          .allMatch(file -> file.endsWith("big.bin"));
    }
    setFileQuota(8 * MIB);

    // the quota is the team's: another instance of the team shares it
    String sibling = newInstance(unique("sibling"));
    assertThat(upload(owner(), files(sibling) + "x.bin", random(2 * MIB, 7), true).statusCode())
        .isEqualTo(413);
    // setting the instance quota alone leaves the file quota as it is
    expect(put("/api/v1/teams/" + made.team() + "/quota", admin(), body("instances", 20)), 200);
    quota = expect(get("/api/v1/teams/" + made.team() + "/quota", as(made.owner())), 200).json();
    assertThat(quota.path("fileBytes").asLong()).isEqualTo(8 * MIB);
    assertThat(quota.path("instances").asInt()).isEqualTo(20);
  }

  @Test
  void parallelUploadsCannotTogetherPassTheQuota() throws Exception {
    setFileQuota(10 * MIB);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // with Content-Length: room is held before the body is read, so exactly two of 4 MiB fit
      List<Future<HttpResponse<byte[]>>> declared = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        byte[] content = random(4 * MIB, 10 + i);
        String path = files(instance) + "declared-" + i;
        declared.add(pool.submit(() -> upload(owner(), path, content, true)));
      }
      assertThat(statuses(declared)).containsExactlyInAnyOrder(201, 201, 413, 413);
      assertThat(usedBytes()).isEqualTo(8 * MIB);

      // without Content-Length: whatever the interleaving, what is stored stays within the quota
      setFileQuota(usedBytes() + 10 * MIB);
      List<Future<HttpResponse<byte[]>>> chunked = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        byte[] content = random(4 * MIB, 20 + i);
        String path = files(instance) + "chunked-" + i;
        chunked.add(
            pool.submit(
                () ->
                    request(
                        "PUT",
                        path,
                        owner(),
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(content)))));
      }
      List<Integer> statuses = statuses(chunked);
      assertThat(statuses).allMatch(status -> status == 201 || status == 413).contains(201);
      assertThat(usedBytes()).isLessThanOrEqualTo(8 * MIB + 10 * MIB);
      assertThat(usedBytes())
          .isEqualTo(8 * MIB + statuses.stream().filter(s -> s == 201).count() * 4 * MIB);
      assertThat(count("select count(*) from flowgate.instance_file_operation")).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void onePathIsWrittenByOneUploadAtATime() throws Exception {
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    byte[] content = random(2 * MIB, 30);
    CompletableFuture<HttpResponse<byte[]>> slow =
        CompletableFuture.supplyAsync(
            () ->
                request(
                    "PUT",
                    files(instance) + "slow.bin",
                    owner(),
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new PausingStream(content, MIB, halfway, proceed))));
    assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
    awaitOperation("slow.bin");
    HttpResponse<byte[]> second =
        upload(owner(), files(instance) + "slow.bin", random(10, 31), true);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(text(second)).contains("under way");
    assertThat(request("DELETE", files(instance) + "slow.bin", owner(), null).statusCode())
        .isEqualTo(409);
    // a file cannot be a folder of another one meanwhile either
    assertThat(
            upload(owner(), files(instance) + "slow.bin/inner", random(10, 32), true).statusCode())
        .isEqualTo(409);
    proceed.countDown();
    assertThat(slow.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    assertThat(sha256(download(owner(), "slow.bin"))).isEqualTo(sha256(content));

    // a file and a folder cannot share a path
    assertThat(
            upload(owner(), files(instance) + "slow.bin/inner", random(10, 33), true).statusCode())
        .isEqualTo(409);
    assertThat(upload(owner(), files(instance) + "dir/inner", random(10, 34), true).statusCode())
        .isEqualTo(201);
    HttpResponse<byte[]> folder = upload(owner(), files(instance) + "dir", random(10, 35), true);
    assertThat(folder.statusCode()).isEqualTo(409);
    assertThat(text(folder)).contains("folder");
  }

  @Test
  void traversalAndBadPathsAre400WithWhatToFix() throws Exception {
    String base = files(instance);
    List<String> refused =
        List.of(
            "../../" + newInstance(unique("victim")) + "/files/x",
            "a/../../x",
            "%2e%2e/x",
            "a/%2E%2E/b",
            "a/./b",
            "a%2Fb",
            "a%2f..%2fb",
            "a//b",
            "a/",
            "a%5Cb",
            "..%5C..%5Cx",
            "a;b",
            "a%00b",
            "a%01b",
            "a%7Fb",
            "a%C2%85b",
            "evil%E2%80%AEtxt.exe",
            "bad%C3%28utf8",
            "x".repeat(256),
            ("d".repeat(200) + "/").repeat(5) + "f");
    for (String path : refused) {
      HttpResponse<byte[]> response = upload(owner(), base + path, random(10, 40), false);
      assertThat(response.statusCode()).as(path + ": " + text(response)).isEqualTo(400);
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as(path + ": " + text(response))
          .startsWith("application/problem+json");
      assertThat(JSON.readTree(response.body()).path("detail").asText()).as(path).isNotBlank();
    }
    assertThat(
            JSON.readTree(upload(owner(), base + "a%01b", random(1, 1), false).body())
                .path("detail")
                .asText())
        .contains("control character U+0001");
    assertThat(
            JSON.readTree(upload(owner(), base + "x".repeat(256), random(1, 1), false).body())
                .path("detail")
                .asText())
        .contains("at most 255 bytes");
    assertThat(objects.list("instances/")).noneMatch(info -> info.key().contains(".."));
    assertThat(
            count(
                "select count(*) from flowgate.instance_file where instance_id = '"
                    + instance
                    + "'"))
        .isZero();

    // a multipart form is not a file
    HttpResponse<byte[]> form =
        request(
            "PUT",
            base + "form.txt",
            owner(),
            HttpRequest.BodyPublishers.ofString("--x\r\n\r\nhello\r\n--x--\r\n"),
            "Content-Type",
            "multipart/form-data; boundary=x");
    assertThat(form.statusCode()).isEqualTo(415);
    // curl's default form type: the bytes are the file, its type comes from the name
    byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> urlencoded =
        request(
            "PUT",
            base + "settings.json",
            owner(),
            HttpRequest.BodyPublishers.ofByteArray(json),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(urlencoded.statusCode()).as(text(urlencoded)).isEqualTo(201);
    assertThat(JSON.readTree(urlencoded.body()).path("contentType").asText())
        .isEqualTo("application/json");
    assertThat(download(owner(), "settings.json")).isEqualTo(json);
  }

  @Test
  void viewersReadMembersWriteOthersSeeNothing() throws Exception {
    String member = createUser(made.organization(), unique("mem"), "member");
    String viewer = createUser(made.organization(), unique("view"), "member");
    String outsider = createUser(made.organization(), unique("out"), "member");
    putMember(made.team(), member, "member", false);
    putMember(made.team(), viewer, "viewer", false);
    byte[] content = random(1000, 50);

    assertThat(upload(auth(member), files(instance) + "m.bin", content, true).statusCode())
        .isEqualTo(201);
    assertThat(request("GET", files(instance) + "m.bin", auth(viewer), null).body())
        .isEqualTo(content);
    assertThat(request("GET", files(instance), auth(viewer), null).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> viewerPut = upload(auth(viewer), files(instance) + "v.bin", content, true);
    assertThat(viewerPut.statusCode()).isEqualTo(403);
    assertThat(text(viewerPut)).contains("viewer");
    assertThat(request("DELETE", files(instance) + "m.bin", auth(viewer), null).statusCode())
        .isEqualTo(403);
    for (String method : List.of("GET", "DELETE")) {
      assertThat(request(method, files(instance) + "m.bin", auth(outsider), null).statusCode())
          .as(method + " by someone outside the team")
          .isEqualTo(404);
    }
    assertThat(upload(auth(outsider), files(instance) + "o.bin", content, true).statusCode())
        .isEqualTo(404);
    assertThat(request("GET", files(instance), null, null).statusCode()).isEqualTo(401);
    assertThat(upload(null, files(instance) + "anon.bin", content, true).statusCode())
        .isEqualTo(401);

    // a team API token writes with its role
    String token = createApiToken(made.team(), made.owner(), "member");
    assertThat(upload("Bearer " + token, files(instance) + "ci.bin", content, true).statusCode())
        .isEqualTo(201);
    assertThat(count("select count(*) from flowgate.instance_file_operation")).isZero();
  }

  @Test
  void theInstanceTokenReachesItsOwnFilesAndNothingElse() throws Exception {
    String token = instanceToken(instance);
    assertThat(token).startsWith("fgi_");
    String bearer = "Bearer " + token;
    String other = newInstance(unique("other"));
    byte[] content = random(3000, 60);

    HttpResponse<byte[]> own =
        upload(bearer, files(instance) + "state/counter.json", content, true);
    assertThat(own.statusCode()).as(text(own)).isEqualTo(201);
    assertThat(request("GET", files(instance) + "state/counter.json", bearer, null).body())
        .isEqualTo(content);
    assertThat(text(request("GET", files(instance), bearer, null))).contains("state/counter.json");
    assertThat(text(request("GET", files(instance) + "state/", bearer, null)))
        .contains("state/counter.json");
    assertThat(request("DELETE", files(instance) + "state/counter.json", bearer, null).statusCode())
        .isEqualTo(204);

    // another instance's files, even of the same team: as if it did not exist
    upload(owner(), files(other) + "secret.txt", content, true);
    for (String method : List.of("GET", "DELETE")) {
      assertThat(request(method, files(other) + "secret.txt", bearer, null).statusCode())
          .as(method)
          .isEqualTo(404);
    }
    assertThat(request("GET", files(other), bearer, null).statusCode()).isEqualTo(404);
    assertThat(upload(bearer, files(other) + "x", content, true).statusCode()).isEqualTo(404);

    // and nothing else Flowgate serves
    for (String path :
        List.of(
            "/api/v1/instances/" + instance,
            "/api/v1/instances",
            "/api/v1/instances/" + instance + "/editor-credentials",
            "/api/v1/teams/" + made.team(),
            "/api/v1/teams/" + made.team() + "/quota",
            "/api/v1/organizations",
            "/api/v1/organizations/" + made.organization(),
            "/api/v1/audit",
            "/api/v1/session",
            "/engine-rest/process-instance",
            "/actuator/health")) {
      HttpResponse<byte[]> response = request("GET", path, bearer, null);
      assertThat(response.statusCode()).as(path + ": " + text(response)).isEqualTo(403);
      assertThat(text(response)).as(path).contains("instance token");
    }
    assertThat(
            request(
                    "POST",
                    "/api/v1/instances/" + instance + "/actions/stop",
                    bearer,
                    HttpRequest.BodyPublishers.noBody())
                .statusCode())
        .isEqualTo(403);

    // written files are audited with who wrote them, never with the token
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where entity_id = '"
                    + instance
                    + "' and action in ('instance.file-uploaded', 'instance.file-deleted')"
                    + " and details like '%instance token%'"))
        .isEqualTo(2);
    assertThat(
            count(
                "select count(*) from flowgate.audit_log where details like '%"
                    + token.substring(4)
                    + "%'"))
        .isZero();
    assertThat(
            count(
                "select count(*) from flowgate.token where kind = 'instance' and team_id = '"
                    + made.team()
                    + "' and name like 'instance %'"))
        .isEqualTo(2);
    assertThat(
            expect(get("/api/v1/teams/" + made.team() + "/tokens", as(made.owner())), 200).body())
        .as("instance tokens are not among the team's API tokens")
        .doesNotContain("\"instance");

    // deleting the instance revokes its token at once and stops changes to its files
    expect(delete("/api/v1/instances/" + instance, as(made.owner())), 202);
    assertThat(request("GET", files(instance), bearer, null).statusCode()).isEqualTo(401);
    HttpResponse<byte[]> late = upload(owner(), files(instance) + "late.bin", content, true);
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(text(late)).contains("being deleted");
  }

  @Test
  void deletingRemovesRowObjectAndAuditsIt() throws Exception {
    byte[] content = random(200_000, 70);
    upload(owner(), files(instance) + "reports/a.csv", content, true);
    upload(owner(), files(instance) + "reports/b.csv", content, true);
    upload(owner(), files(instance) + "top.txt", content, true);

    JsonNode all = JSON.readTree(request("GET", files(instance), owner(), null).body());
    assertThat(all.findValuesAsText("path"))
        .containsExactly("reports/a.csv", "reports/b.csv", "top.txt");
    assertThat(all.get(0).path("size").asLong()).isEqualTo(content.length);
    assertThat(all.get(0).path("sha256").asText()).isEqualTo(sha256(content));
    assertThat(all.get(0).path("updatedAt").asText()).isNotBlank();
    assertThat(
            JSON.readTree(
                    request(
                            "GET",
                            "/api/v1/instances/" + instance + "/files?prefix=reports/",
                            owner(),
                            null)
                        .body())
                .findValuesAsText("path"))
        .containsExactly("reports/a.csv", "reports/b.csv");
    assertThat(
            JSON.readTree(request("GET", files(instance) + "reports/", owner(), null).body())
                .findValuesAsText("path"))
        .containsExactly("reports/a.csv", "reports/b.csv");

    HttpResponse<byte[]> folder = request("GET", files(instance) + "reports", owner(), null);
    assertThat(folder.statusCode()).isEqualTo(404);
    assertThat(text(folder)).contains("is a folder");
    assertThat(request("DELETE", files(instance) + "reports/a.csv", owner(), null).statusCode())
        .isEqualTo(204);
    assertThat(request("GET", files(instance) + "reports/a.csv", owner(), null).statusCode())
        .isEqualTo(404);
    assertThat(request("DELETE", files(instance) + "reports/a.csv", owner(), null).statusCode())
        .isEqualTo(404);
    assertThat(objects.stat(FileService.key(instance, "reports/a.csv"))).isEmpty();
    assertThat(
            jdbc.sql(
                    "select action from flowgate.audit_log where entity_id = ? and action like"
                        + " 'instance.file-%' order by seq")
                .param(instance)
                .query(String.class)
                .list())
        .containsExactly(
            "instance.file-uploaded",
            "instance.file-uploaded",
            "instance.file-uploaded",
            "instance.file-deleted");

    // the instance's deletion step removes its files with its storage
    instanceSteps.deleteStorage(instance);
    assertThat(objects.list(InstanceSteps.storagePrefix(instance))).isEmpty();
    assertThat(JSON.readTree(request("GET", files(instance), owner(), null).body())).isEmpty();
  }

  @Autowired InstanceSteps instanceSteps;

  @Test
  void storedBytesThatDoNotMatchTheirRecordAreNeverServedAsComplete() throws Exception {
    byte[] content = random(3 * MIB, 80);
    upload(owner(), files(instance) + "checked.bin", content, true);
    byte[] tampered = content.clone();
    tampered[tampered.length - 1] ^= 1;
    objects.put(FileService.key(instance, "checked.bin"), tampered, "application/octet-stream");
    assertThatThrownBy(
            () ->
                HTTP.send(
                    builder(files(instance) + "checked.bin", owner()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .as("the response is cut short")
        .isInstanceOf(IOException.class);

    // a small file is checked before anything is sent: a plain 500
    byte[] small = random(1000, 81);
    upload(owner(), files(instance) + "small.bin", small, true);
    objects.put(FileService.key(instance, "small.bin"), random(1000, 82), "text/plain");
    HttpResponse<byte[]> answer = request("GET", files(instance) + "small.bin", owner(), null);
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
  }

  @Test
  void theOpenApiDocumentShowsTheFilesEndpointsWithBinaryBodies() throws Exception {
    JsonNode api = JSON.readTree(request("GET", "/v3/api-docs", null, null).body());
    JsonNode paths = api.path("paths");
    assertThat(paths.has("/api/v1/instances/{id}/files")).isTrue();
    JsonNode file = paths.path("/api/v1/instances/{id}/files/{path}");
    assertThat(file.isMissingNode()).as(paths.fieldNames().toString()).isFalse();
    assertThat(
            file.path("put")
                .path("requestBody")
                .path("content")
                .path("application/octet-stream")
                .path("schema")
                .path("format")
                .asText())
        .isEqualTo("binary");
    assertThat(
            file.path("get")
                .path("responses")
                .path("200")
                .path("content")
                .has("application/octet-stream"))
        .isTrue();
    assertThat(file.has("delete")).isTrue();
  }

  // --- helpers

  private String newInstance(String name) {
    return expect(post("/api/v1/instances", as(made.owner()), made.instanceRequest(name)), 202)
        .json()
        .path("id")
        .asText();
  }

  private String instanceToken(String id) {
    return secrets.decrypt(
        jdbc.sql("select files_token from flowgate.instance where id = ?")
            .param(id)
            .query(String.class)
            .single());
  }

  private void setFileQuota(long bytes) {
    expect(put("/api/v1/teams/" + made.team() + "/quota", admin(), body("fileBytes", bytes)), 200);
  }

  private long usedBytes() {
    return expect(get("/api/v1/teams/" + made.team() + "/quota", as(made.owner())), 200)
        .json()
        .path("fileBytesUsed")
        .asLong();
  }

  private void awaitOperation(String path) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (count(
              "select count(*) from flowgate.instance_file_operation where instance_id = '"
                  + instance
                  + "' and path = '"
                  + path
                  + "'")
          > 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no upload of " + path + " under way");
  }

  private static List<Integer> statuses(List<Future<HttpResponse<byte[]>>> futures)
      throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (Future<HttpResponse<byte[]>> future : futures) {
      statuses.add(future.get(120, TimeUnit.SECONDS).statusCode());
    }
    return statuses;
  }

  private static String files(String instanceId) {
    return "/api/v1/instances/" + instanceId + "/files/";
  }

  private String owner() {
    return auth(made.owner());
  }

  private static String auth(String user) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  private byte[] download(String authorization, String path) {
    HttpResponse<byte[]> response = request("GET", files(instance) + path, authorization, null);
    assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
    return response.body();
  }

  /** PUTs bytes with Content-Length, asking for 100-continue as curl does for big bodies. */
  private HttpResponse<byte[]> upload(
      String authorization, String path, byte[] content, boolean expectContinue) {
    HttpRequest.Builder builder =
        builder(path, authorization)
            .expectContinue(expectContinue)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
    return send(builder);
  }

  private HttpResponse<byte[]> request(
      String method,
      String path,
      String authorization,
      HttpRequest.BodyPublisher body,
      String... headers) {
    HttpRequest.Builder builder =
        builder(path, authorization)
            // a body the server may refuse unread: wait for its go-ahead, as curl does
            .expectContinue(body != null && body.contentLength() > 1024 * 1024)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder);
  }

  private HttpRequest.Builder builder(String path, String authorization) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(120));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder builder) {
    try {
      return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String text(HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return response.statusCode() + " " + (body.length() > 400 ? body.substring(0, 400) : body);
  }

  private static String encode(String path) {
    StringBuilder encoded = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '/'
          || (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-'
          || c == '_') {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format("%02X", c));
      }
    }
    return encoded.toString();
  }

  static byte[] random(long size, long seed) {
    byte[] bytes = new byte[Math.toIntExact(size)];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A body that sends its first bytes, then waits until the test lets it go on. */
  private static final class PausingStream extends InputStream {
    private final byte[] content;
    private final long pauseAt;
    private final CountDownLatch paused;
    private final CountDownLatch proceed;
    private int position;

    PausingStream(byte[] content, long pauseAt, CountDownLatch paused, CountDownLatch proceed) {
      this.content = content;
      this.pauseAt = pauseAt;
      this.paused = paused;
      this.proceed = proceed;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (position >= content.length) {
        return -1;
      }
      if (position >= pauseAt) {
        paused.countDown();
        try {
          proceed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int n = (int) Math.min(length, (position < pauseAt ? pauseAt : content.length) - position);
      System.arraycopy(content, position, buffer, offset, n);
      position += n;
      return n;
    }
  }
}
