package io.flowgate.engine.instance;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /api/v1/instances}: which team and application, the instance's name, and optionally
 * its stack (Node-RED image), limits, restart policy, env vars, initial flows, Node-RED runtime
 * settings ({@link NodeRedSettings}) and a callback URL.
 */
public record InstanceRequest(
    @NotBlank(message = "must name the team (its id)") String team,
    @NotBlank(message = "must name the application (its id)") String application,
    @NotNull(message = "is required")
        @Pattern(
            regexp = NAME_PATTERN,
            message =
                "must be 1-40 lower-case letters, digits and dashes, starting and ending with a"
                    + " letter or digit (it becomes part of URLs)")
        String name,
    @Size(max = 255, message = "at most 255 characters") String stack,
    @DecimalMin(value = "0.1", message = "must be at least 0.1")
        @DecimalMax(value = "8", message = "must be at most 8")
        Double cpus,
    @Min(value = 128, message = "must be at least 128")
        @Max(value = 16384, message = "at most 16384")
        Long memoryMb,
    RestartPolicy restartPolicy,
    @Size(max = 100, message = "at most 100 variables") List<@Valid @NotNull EnvVarRequest> env,
    JsonNode flows,
    JsonNode settings,
    @Size(max = 2000, message = "at most 2000 characters") String callbackUrl) {

  public static final String NAME_PATTERN = "[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?";

  /** An env var to set; {@code secret} ones are stored encrypted and never shown again. */
  public record EnvVarRequest(
      @NotNull(message = "is required")
          @Pattern(
              regexp = "[A-Za-z_][A-Za-z0-9_]{0,127}",
              message = "must be a letter or _ followed by letters, digits or _")
          String name,
      @NotNull(message = "is required") @Size(max = 32768, message = "at most 32768 characters")
          String value,
      Boolean secret) {
    @Override
    public String toString() {
      return "EnvVarRequest[" + name + "]";
    }
  }
}
