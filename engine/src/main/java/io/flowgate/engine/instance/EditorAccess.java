package io.flowgate.engine.instance;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a personal editor login may do in Node-RED. Node-RED fixes a session's scope when it logs
 * in, and afterwards asks only "does this user still exist"; so the access is part of the user name
 * Node-RED sees ({@code jane} writes, {@code jane (read-only)} reads), and Flowgate can end a write
 * session on its own by answering that {@code jane} is gone.
 */
enum EditorAccess {
  WRITE("write", "*", ""),
  READ("read", "read", " (read-only)");

  // Flowgate user names (Camunda's whitelist): no spaces, parentheses or colons
  private static final Pattern PERSON = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** A Node-RED user name read back: whose login it is and with which access. */
  record Name(String person, EditorAccess access) {
    String nodeRedUsername() {
      return access.nodeRedUsername(person);
    }
  }

  private final String value;
  private final String permissions;
  private final String suffix;

  EditorAccess(String value, String permissions, String suffix) {
    this.value = value;
    this.permissions = permissions;
    this.suffix = suffix;
  }

  /** As stored and audited: {@code write} or {@code read}. */
  String value() {
    return value;
  }

  /** Node-RED's permissions for it: {@code *} or {@code read}. */
  String permissions() {
    return permissions;
  }

  String nodeRedUsername(String person) {
    return person + suffix;
  }

  /** The person and access a Node-RED user name stands for; empty if it is none of ours. */
  static Optional<Name> parse(String nodeRedUsername) {
    if (nodeRedUsername == null) {
      return Optional.empty();
    }
    EditorAccess access = nodeRedUsername.endsWith(READ.suffix) ? READ : WRITE;
    String person = nodeRedUsername.substring(0, nodeRedUsername.length() - access.suffix.length());
    return PERSON.matcher(person).matches()
        ? Optional.of(new Name(person, access))
        : Optional.empty();
  }
}
