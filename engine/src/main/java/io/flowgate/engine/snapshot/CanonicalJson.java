package io.flowgate.engine.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * One byte sequence per JSON value: object keys sorted at every depth, no whitespace, array order
 * kept. The SHA-256 of it is a snapshot's address, so two captures of the same state share it.
 */
public final class CanonicalJson {

  static final ObjectMapper JSON = new ObjectMapper();

  private CanonicalJson() {}

  public static byte[] bytes(JsonNode value) {
    try {
      return JSON.writeValueAsBytes(sorted(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not writable as JSON", e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  static JsonNode sorted(JsonNode value) {
    if (value instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode out = JSON.createObjectNode();
      names.forEach(name -> out.set(name, sorted(object.get(name))));
      return out;
    }
    if (value instanceof ArrayNode array) {
      ArrayNode out = JSON.createArrayNode();
      array.forEach(item -> out.add(sorted(item)));
      return out;
    }
    return value;
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
