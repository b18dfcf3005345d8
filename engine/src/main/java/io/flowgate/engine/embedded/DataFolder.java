package io.flowgate.engine.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data folder of the embedded servers, held with an exclusive lock for the life of this JVM, so
 * two Flowgate processes never share one folder. The operating system drops the lock when the
 * process dies, even on {@code kill -9}: whoever holds it owns everything the folder runs.
 */
final class DataFolder implements AutoCloseable {

  private final Path root;
  private final FileChannel channel;
  private final FileLock lock;

  private DataFolder(Path root, FileChannel channel, FileLock lock) {
    this.root = root;
    this.channel = channel;
    this.lock = lock;
  }

  static DataFolder lock(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    FileChannel channel =
        FileChannel.open(
            absolute.resolve(".flowgate.lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
      throw new IllegalStateException(
          "Another Flowgate process uses the data folder "
              + absolute
              + "; stop it or set FLOWGATE_DATA to another folder");
    }
    return new DataFolder(absolute, channel, lock);
  }

  /** The folder itself, for files (secrets) that live beside the servers' folders. */
  Path root() {
    return root;
  }

  Path resolve(String child) throws IOException {
    return Files.createDirectories(root.resolve(child));
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
