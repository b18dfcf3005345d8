package io.flowgate.connectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowgate.connectors.testing.NodeRedProcess;
import io.flowgate.connectors.testing.RequiresNodeRed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** The shared contract against Node-RED processes from {@code flowgate.node-red.home}. */
@RequiresNodeRed
class LocalProcessRuntimeContractTest extends InstanceRuntimeContract {

  @TempDir Path workDir;

  @Override
  InstanceRuntime newRuntime() {
    return new LocalProcessRuntime(workDir, nodeRedHome());
  }

  @Override
  String image() {
    return "flowgate/node-red:" + LocalProcessRuntime.NODE_RED_VERSION;
  }

  @Override
  void assertNothingLeftOf(String name) {
    assertThat(workDir.resolve("instances").resolve(name)).doesNotExist();
    try (Stream<Path> left = Files.list(workDir.resolve("instances"))) {
      assertThat(left).as("folders left in instances/ (also half-removed ones)").isEmpty();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  void afterCleanup() {
    assertThat(processesUnder(workDir)).as("Node-RED processes left running").isEmpty();
    Path data = workDir.resolve(LocalProcessRuntime.DATA_DIR);
    if (Files.isDirectory(data)) {
      try (Stream<Path> left = Files.list(data)) {
        assertThat(left).as("userDirs left after deleteData (also half-deleted ones)").isEmpty();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  static Path nodeRedHome() {
    return Path.of(System.getProperty(NodeRedProcess.HOME_PROPERTY));
  }

  /** Live processes this JVM started whose command line names something below {@code dir}. */
  static List<ProcessHandle> processesUnder(Path dir) {
    return ProcessHandle.current()
        .descendants()
        .filter(LocalProcessRuntime::alive)
        .filter(
            process ->
                LocalProcessRuntime.commandLine(process)
                    .map(args -> args.stream().anyMatch(arg -> arg.contains(dir.toString())))
                    .orElse(false))
        .toList();
  }
}
