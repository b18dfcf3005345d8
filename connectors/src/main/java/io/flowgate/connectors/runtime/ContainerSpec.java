package io.flowgate.connectors.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to run: one Node-RED instance container.
 *
 * @param name unique container name; also the key that makes {@link InstanceRuntime#create}
 *     idempotent
 * @param image image reference, present on the host (never pulled)
 * @param env environment variables; values may be secrets, so {@link #toString()} hides them
 * @param labels labels to find the container again
 * @param nanoCpus CPU limit in billionths of a CPU (1.5 CPUs = 1_500_000_000), null for none
 * @param memoryBytes memory limit in bytes, null for none
 * @param restartPolicy what the runtime does when the process ends
 * @param trustedCertificates PEM text of one or more CA certificates the instance's Node.js trusts
 *     in addition to its built-in ones (a plant's TLS-inspecting proxy, a private npm registry), or
 *     null for none. The runtime writes them to a file of the instance and points {@value
 *     #NODE_EXTRA_CA_CERTS} at it, which covers https requests of flows and the npm that installs
 *     node modules. Certificates only: PEM with a private key is refused.
 */
public record ContainerSpec(
    String name,
    String image,
    Map<String, String> env,
    Map<String, String> labels,
    Long nanoCpus,
    Long memoryBytes,
    RestartPolicy restartPolicy,
    String trustedCertificates) {

  // Docker's own rule for container names.
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

  /** Docker refuses memory limits below 6 MB. */
  public static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;

  /**
   * The environment variable through which Node.js reads extra CA certificates at start; the
   * runtimes set it for {@link #trustedCertificates}, so a spec with them must not set it too.
   */
  public static final String NODE_EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS";

  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");
  private static final Pattern PEM_PRIVATE_KEY =
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

  public ContainerSpec {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Container name must match " + NAME.pattern() + ": '" + name + "'");
    }
    if (image == null || image.isBlank()) {
      throw new IllegalArgumentException("Container image is required");
    }
    if (nanoCpus != null && nanoCpus <= 0) {
      throw new IllegalArgumentException("nanoCpus must be positive: " + nanoCpus);
    }
    if (memoryBytes != null && memoryBytes < MIN_MEMORY_BYTES) {
      throw new IllegalArgumentException(
          "memoryBytes must be at least " + MIN_MEMORY_BYTES + ": " + memoryBytes);
    }
    env = env == null ? Map.of() : Map.copyOf(env);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
    if (trustedCertificates != null) {
      requireCertificates(trustedCertificates);
      if (env.containsKey(NODE_EXTRA_CA_CERTS)) {
        throw new IllegalArgumentException(
            NODE_EXTRA_CA_CERTS
                + " is set by the runtime for trustedCertificates: give one or the other");
      }
    }
  }

  /** Without trusted certificates. */
  public ContainerSpec(
      String name,
      String image,
      Map<String, String> env,
      Map<String, String> labels,
      Long nanoCpus,
      Long memoryBytes,
      RestartPolicy restartPolicy) {
    this(name, image, env, labels, nanoCpus, memoryBytes, restartPolicy, null);
  }

  /** A light check: at least one complete certificate block and no private key. */
  private static void requireCertificates(String pem) {
    // Never quotes the text: a mistaken paste may hold a key.
    if (!PEM_CERTIFICATE.matcher(pem).find()) {
      throw new IllegalArgumentException(
          "trustedCertificates must be PEM text with at least one"
              + " -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- block");
    }
    if (PEM_PRIVATE_KEY.matcher(pem).find()) {
      throw new IllegalArgumentException(
          "trustedCertificates holds a private key: give the CA certificates only");
    }
  }

  /** Whether the instance trusts certificates beyond Node.js's built-in CAs. */
  public boolean hasTrustedCertificates() {
    return trustedCertificates != null;
  }

  /** Whether {@code name} may name a container (Docker's rule, used by every runtime). */
  public static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public static Builder builder(String name, String image) {
    return new Builder(name, image);
  }

  /**
   * Names the environment variables but never prints their values (credential secrets); says only
   * whether there are trusted certificates.
   */
  @Override
  public String toString() {
    return "ContainerSpec[name="
        + name
        + ", image="
        + image
        + ", env="
        + env.keySet()
        + ", labels="
        + labels
        + ", nanoCpus="
        + nanoCpus
        + ", memoryBytes="
        + memoryBytes
        + ", restartPolicy="
        + restartPolicy
        + ", trustedCertificates="
        + hasTrustedCertificates()
        + "]";
  }

  /** Builds a {@link ContainerSpec} step by step. */
  public static final class Builder {
    private final String name;
    private final String image;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Long nanoCpus;
    private Long memoryBytes;
    private RestartPolicy restartPolicy = RestartPolicy.NO;
    private String trustedCertificates;

    private Builder(String name, String image) {
      this.name = name;
      this.image = image;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder labels(Map<String, String> values) {
      labels.putAll(values);
      return this;
    }

    /** CPU limit in CPUs, e.g. 0.5. */
    public Builder cpus(double cpus) {
      this.nanoCpus = Math.round(cpus * 1_000_000_000d);
      return this;
    }

    public Builder nanoCpus(Long nanoCpus) {
      this.nanoCpus = nanoCpus;
      return this;
    }

    public Builder memoryBytes(Long memoryBytes) {
      this.memoryBytes = memoryBytes;
      return this;
    }

    public Builder memoryMegabytes(long megabytes) {
      this.memoryBytes = megabytes * 1024 * 1024;
      return this;
    }

    public Builder restartPolicy(RestartPolicy restartPolicy) {
      this.restartPolicy = restartPolicy;
      return this;
    }

    /**
     * CA certificates the instance trusts besides Node.js's built-in ones: PEM text of one or more
     * certificates, or null for none.
     */
    public Builder trustedCertificates(String pem) {
      this.trustedCertificates = pem;
      return this;
    }

    public ContainerSpec build() {
      return new ContainerSpec(
          name, image, env, labels, nanoCpus, memoryBytes, restartPolicy, trustedCertificates);
    }
  }
}
