package io.flowgate.engine.secret;

import io.flowgate.engine.FlowgateProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The installation's secret key: {@code FLOWGATE_SECRET_KEY} (32 bytes, Base64) when set, which
 * every engine node on one database must share; otherwise {@code secret.key} in the data folder,
 * made on the first start (owner-only). Losing the key makes stored instance secrets unreadable.
 */
@Configuration(proxyBeanMethods = false)
class SecretKeyConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SecretKeyConfiguration.class);
  static final String KEY_FILE = "secret.key";

  @Bean
  SecretBox secretBox(FlowgateProperties properties) throws IOException {
    String configured = properties.secretKey();
    if (configured != null && !configured.isBlank()) {
      return new SecretBox(key(configured.strip(), "FLOWGATE_SECRET_KEY"));
    }
    Path file = properties.data().resolve(KEY_FILE);
    if (!Files.exists(file)) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
            file, Base64.getEncoder().encodeToString(SecretBox.randomBytes(32)) + "\n");
        log.info(
            "Made a new secret key in {}; back it up with the database, or set"
                + " FLOWGATE_SECRET_KEY",
            file.toAbsolutePath());
      } catch (FileAlreadyExistsException raced) {
        // another start made it first: read theirs
      }
    }
    return new SecretBox(
        key(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString()));
  }

  private static SecretKeySpec key(String base64, String source) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(source + " must be 32 bytes in Base64", e);
    }
    if (bytes.length != 32) {
      throw new IllegalStateException(
          source + " must be 32 bytes in Base64 (openssl rand -base64 32); it has " + bytes.length);
    }
    return new SecretKeySpec(bytes, "AES");
  }
}
