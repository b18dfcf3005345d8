package io.flowgate.connectors.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks the relative paths of {@link InstanceRuntime#readDataFile}, the same for every runtime:
 * the path comes from callers that may pass on what a user typed, and must never reach outside an
 * instance's data.
 */
final class DataFilePath {

  private DataFilePath() {}

  /**
   * The path with empty and {@code .} segments dropped, e.g. {@code flows_cred.json} for {@code
   * ./flows_cred.json}.
   *
   * @throws IllegalArgumentException when it is empty, absolute, has a {@code ..} segment, a
   *     backslash or a NUL character
   */
  static String normalize(String relativePath) {
    Objects.requireNonNull(relativePath, "relativePath");
    if (relativePath.startsWith("/")) {
      throw refused(relativePath, "it is absolute");
    }
    if (relativePath.indexOf('\\') >= 0 || relativePath.indexOf('\0') >= 0) {
      throw refused(relativePath, "it has a backslash or a NUL character");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : relativePath.split("/")) {
      if (segment.equals("..")) {
        throw refused(relativePath, "it has a '..' segment");
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    if (segments.isEmpty()) {
      throw refused(relativePath, "it names no file");
    }
    return String.join("/", segments);
  }

  private static IllegalArgumentException refused(String relativePath, String why) {
    return new IllegalArgumentException(
        "Not a path of a file in an instance's data: '" + relativePath + "' (" + why + ")");
  }
}
