package io.flowgate.engine.file;

/**
 * A download that cannot finish truthfully: storage failed, or its bytes do not match the file's
 * record. Once the response has started, the server closes the connection so the client sees a
 * response cut short rather than a complete one with other bytes.
 */
class DownloadAborted extends RuntimeException {
  DownloadAborted(String message, Throwable cause) {
    super(message, cause);
  }
}
