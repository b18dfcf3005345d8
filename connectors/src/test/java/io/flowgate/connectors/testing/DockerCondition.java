package io.flowgate.connectors.testing;

import io.flowgate.connectors.runtime.DockerRuntime;
import io.flowgate.connectors.runtime.RuntimeUnavailableException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Implements {@link RequiresDocker}. */
public final class DockerCondition implements ExecutionCondition {

  /** The system property (set by the parent pom's surefire) that names the Node-RED image. */
  public static final String IMAGE_PROPERTY = "flowgate.node-red.image";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return RealComponent.evaluate(context, "Docker", DockerCondition::problem);
  }

  /** The image the tests run, from {@value #IMAGE_PROPERTY}. */
  public static String nodeRedImage() {
    String image = System.getProperty(IMAGE_PROPERTY);
    if (image == null || image.isBlank()) {
      throw new IllegalStateException("System property " + IMAGE_PROPERTY + " is not set");
    }
    return image;
  }

  private static Optional<String> problem() {
    String image = System.getProperty(IMAGE_PROPERTY);
    if (image == null || image.isBlank()) {
      return Optional.of(
          "system property " + IMAGE_PROPERTY + " is not set (run the tests through Maven)");
    }
    try (DockerRuntime docker = DockerRuntime.fromEnvironment()) {
      docker.ping();
      if (!docker.hasImage(image)) {
        return Optional.of("the daemon answers but has no image " + image);
      }
      return Optional.empty();
    } catch (RuntimeUnavailableException e) {
      return Optional.of(e.getMessage());
    }
  }
}
