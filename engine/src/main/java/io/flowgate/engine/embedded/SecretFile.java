package io.flowgate.engine.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret of an embedded server kept in the data folder, readable and writable by the Flowgate
 * user only (0600): made once, read on every later start. The file is the one place the secret
 * exists in clear; it never goes to a log.
 */
final class SecretFile {

  private static final Logger log = LoggerFactory.getLogger(SecretFile.class);
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private SecretFile() {}

  /** The file's content, made from {@code generate} (written 0600) when the file is missing. */
  static String readOrCreate(Path file, Supplier<String> generate) throws IOException {
    if (!Files.exists(file)) {
      Path temporary = file.resolveSibling("." + file.getFileName() + ".new");
      Files.deleteIfExists(temporary);
      // created 0600 before a byte is written, then moved in whole: never readable by others,
      // never half written (the data folder's lock keeps other starts out)
      Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(temporary, generate.get() + "\n", StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    }
    keepOwnerOnly(file);
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /** A random secret of {@code bytes} bytes in hex. */
  static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  /** A file copied or restored with a wider mode goes back to 0600. */
  private static void keepOwnerOnly(Path file) throws IOException {
    if (!OWNER_ONLY.equals(Files.getPosixFilePermissions(file))) {
      log.warn("{} was readable by others; it is owner-only (0600) again", file);
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }
}
