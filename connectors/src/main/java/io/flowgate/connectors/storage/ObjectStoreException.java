package io.flowgate.connectors.storage;

/** An object store operation failed (unreachable, denied, or refused). */
public class ObjectStoreException extends RuntimeException {

  public ObjectStoreException(String message) {
    super(message);
  }

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
