package io.flowgate.connectors.storage;

/** The object asked for does not exist. */
public class ObjectNotFoundException extends ObjectStoreException {

  private final String key;

  public ObjectNotFoundException(String bucket, String key) {
    super("No object " + key + " in bucket " + bucket);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
