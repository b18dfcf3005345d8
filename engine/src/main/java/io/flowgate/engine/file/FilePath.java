package io.flowgate.engine.file;

import io.flowgate.engine.web.ApiProblem;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of an instance file below its {@code files/} folder: UTF-8 segments separated by {@code
 * /}. Refused, with what to fix: empty paths and segments (a leading, trailing or double slash),
 * {@code .} and {@code ..} segments, backslashes, control characters and the invisible characters
 * that reorder text (so a listing shows what is stored), segments over {@value #MAX_SEGMENT_BYTES}
 * bytes and paths over {@value #MAX_PATH_BYTES} bytes (S3 keys are at most 1024 bytes, the
 * instance's prefix takes the rest).
 */
record FilePath(String value) {

  static final int MAX_PATH_BYTES = 900;
  static final int MAX_SEGMENT_BYTES = 255;
  static final String FIELD = "path";

  /** A file path as it appears, percent-encoded, in the request URL. */
  static FilePath fromUrl(String encoded) {
    return of(decode(encoded));
  }

  static FilePath of(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid("is empty; give the file's path after /files/, e.g. /files/reports/day.csv");
    }
    checkCharacters(path);
    checkSegments(path);
    return new FilePath(path);
  }

  /**
   * A prefix of paths for listings: empty (every file), or the start of paths, e.g. {@code
   * reports/} or {@code reports/2026-}. It only filters the listing; the characters refused in
   * paths are refused here too.
   */
  static String prefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    checkCharacters(prefix);
    return prefix;
  }

  /**
   * The paths of the folders this file lies in: {@code a/b/c} lies in {@code a} and {@code a/b}.
   */
  List<String> folders() {
    List<String> folders = new ArrayList<>();
    for (int i = value.indexOf('/'); i >= 0; i = value.indexOf('/', i + 1)) {
      folders.add(value.substring(0, i));
    }
    return folders;
  }

  /** The last segment: the file's name. */
  String name() {
    return value.substring(value.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return value;
  }

  private static void checkCharacters(String path) {
    int bytes = path.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      throw invalid(
          "is " + bytes + " bytes long in UTF-8; at most " + MAX_PATH_BYTES + " bytes are allowed");
    }
    for (int i = 0; i < path.length(); ) {
      int c = path.codePointAt(i);
      if (c == '\\') {
        throw invalid("contains a backslash; separate folders with '/'");
      }
      if (Character.getType(c) == Character.CONTROL) {
        throw invalid(
            "contains the control character U+"
                + String.format("%04X", c)
                + "; use printable characters only");
      }
      if (isBidiControl(c)) {
        throw invalid(
            "contains the invisible text-direction character U+"
                + String.format("%04X", c)
                + "; leave it out");
      }
      if (c >= 0xD800 && c <= 0xDFFF) {
        throw invalid("is not valid Unicode (a lone surrogate)");
      }
      i += Character.charCount(c);
    }
  }

  private static void checkSegments(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw invalid(
            "has an empty segment (a leading, trailing or double '/'); write folder/file.txt");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid(
            "has a '" + segment + "' segment; paths name files directly, without . or ..");
      }
      int segmentBytes = segment.getBytes(StandardCharsets.UTF_8).length;
      if (segmentBytes > MAX_SEGMENT_BYTES) {
        throw invalid(
            "has a segment of "
                + segmentBytes
                + " bytes; a file or folder name is at most "
                + MAX_SEGMENT_BYTES
                + " bytes in UTF-8");
      }
    }
  }

  private static boolean isBidiControl(int c) {
    return c == 0x061C
        || c == 0x200E
        || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** Strict percent-decoding of a URL path part as UTF-8 ('+' stays '+'). */
  static String decode(String encoded) {
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        int high = i + 1 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
        int low = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw invalid("has a '%' that is not followed by two hex digits; encode '%' as %25");
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("is not valid UTF-8 once percent-decoded; encode names as UTF-8");
    }
  }

  private static ApiProblem invalid(String message) {
    return ApiProblem.invalid(FIELD, message);
  }
}
