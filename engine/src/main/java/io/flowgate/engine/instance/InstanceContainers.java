package io.flowgate.engine.instance;

import io.flowgate.connectors.runtime.ContainerSpec;
import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.platform.InstallationService;
import io.flowgate.engine.secret.SecretBox;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * What runs for an instance: its container spec, with the secrets it needs in its environment, the
 * way to its files ({@code FLOWGATE_FILES_URL}, {@code FLOWGATE_FILES_TOKEN}) and the place where
 * its Node-RED checks personal editor logins ({@code FLOWGATE_EDITOR_URL}, same token).
 */
@Component
class InstanceContainers {

  static final String LABEL_INSTANCE = "io.flowgate.instance";
  static final String LABEL_TEAM = "io.flowgate.team";
  static final String LABEL_INSTALLATION = "io.flowgate.installation";

  private final InstanceEnvRepository env;
  private final SecretBox secrets;
  private final String installationId;
  private final String trustedCertificates;
  private final FlowgateProperties.Instances instanceSettings;
  private final Environment spring;

  InstanceContainers(
      InstanceEnvRepository env,
      SecretBox secrets,
      InstallationService installation,
      FlowgateProperties properties,
      Environment environment) {
    this.env = env;
    this.secrets = secrets;
    this.installationId = installation.installation().id().toString();
    this.trustedCertificates = readCertificates(properties.instances().caFile());
    this.instanceSettings = properties.instances();
    this.spring = environment;
    URI apiUrl = instanceSettings.apiUrl();
    if (apiUrl != null
        && (!apiUrl.isAbsolute()
            || apiUrl.getHost() == null
            || !("http".equals(apiUrl.getScheme()) || "https".equals(apiUrl.getScheme())))) {
      throw new IllegalStateException(
          "FLOWGATE_INSTANCE_API_URL must be an absolute http:// or https:// URL such as"
              + " http://flowgate.internal:8080, not '"
              + apiUrl
              + "'");
    }
  }

  /**
   * Flowgate's address as instances reach it, without a trailing slash: FLOWGATE_INSTANCE_API_URL,
   * or the instance host with the port this server listens on.
   */
  String apiUrl() {
    String base;
    if (instanceSettings.apiUrl() != null) {
      base = instanceSettings.apiUrl().toString();
    } else {
      String port =
          spring.getProperty("local.server.port", spring.getProperty("server.port", "8080"));
      base =
          "http://"
              + instanceSettings.host()
              + ":"
              + port
              + spring.getProperty("server.servlet.context-path", "");
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  /** Where the instance's flows find its files: a folder URL a file's path is appended to. */
  String filesUrl(String instanceId) {
    return apiUrl() + "/api/v1/instances/" + instanceId + "/files/";
  }

  /** Where the instance's Node-RED checks editor logins ({@link EditorLoginController}). */
  String editorUrl(String instanceId) {
    return apiUrl() + "/api/v1/instances/" + instanceId + "/editor";
  }

  static String containerName(String instanceId) {
    return "flowgate-" + instanceId;
  }

  /** The labels that find every instance container of this installation. */
  Map<String, String> installationLabels() {
    return Map.of(LABEL_INSTALLATION, installationId);
  }

  /** The container of the instance, given its files token ({@link InstanceTokens#ensure}). */
  ContainerSpec spec(InstanceRow instance, String filesToken) {
    if (instance.port() == null) {
      throw new IllegalStateException("Instance " + instance.id() + " holds no port");
    }
    Map<String, String> environment = new LinkedHashMap<>();
    for (InstanceEnvRepository.StoredEnvVar var : env.of(instance.id())) {
      environment.put(var.name(), var.secret() ? secrets.decrypt(var.value()) : var.value());
    }
    // Flowgate's own variables last: they win over anything a team set
    environment.put("PORT", Integer.toString(instance.port()));
    environment.put(
        "NODE_RED_CREDENTIAL_SECRET", secrets.decrypt(instance.sealedCredentialSecret()));
    environment.put("NODE_RED_ADMIN_USER", instance.editorUser());
    environment.put("NODE_RED_ADMIN_PASSWORD_HASH", instance.editorPasswordHash());
    String settings = instance.settings();
    if (!"{}".equals(settings)) {
      environment.put(NodeRedSettings.ENV_VAR, settings);
    }
    environment.put("FLOWGATE_FILES_URL", filesUrl(instance.id()));
    environment.put("FLOWGATE_FILES_TOKEN", filesToken);
    // personal editor logins are checked with Flowgate, with the same instance token
    environment.put("FLOWGATE_EDITOR_URL", editorUrl(instance.id()));
    return ContainerSpec.builder(instance.containerName(), instance.stack())
        .env(environment)
        .label(LABEL_INSTANCE, instance.id())
        .label(LABEL_TEAM, instance.teamId())
        .label(LABEL_INSTALLATION, installationId)
        .nanoCpus(instance.nanoCpus())
        .memoryBytes(instance.memoryBytes())
        // the reconciler restarts instances (for both runtimes, and audited), not the runtime
        .restartPolicy(io.flowgate.connectors.runtime.RestartPolicy.NO)
        .trustedCertificates(trustedCertificates)
        .build();
  }

  /** FLOWGATE_INSTANCE_CA_FILE, read once: a file that cannot be read stops the start. */
  private static String readCertificates(Path file) {
    if (file == null || file.toString().isBlank()) {
      return null;
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(
          "FLOWGATE_INSTANCE_CA_FILE (or NODE_EXTRA_CA_CERTS) names "
              + file
              + ", which cannot be read: "
              + e.getMessage(),
          e);
    }
  }

  /** A new password for Flowgate's own Node-RED user: sealed for Flowgate, hashed for Node-RED. */
  record EditorSecret(String sealedPassword, String passwordHash) {
    @Override
    public String toString() {
      return "EditorSecret[hidden]";
    }
  }

  EditorSecret newEditorSecret() {
    String password = SecretBox.randomHex(16);
    return new EditorSecret(
        secrets.encrypt(password), new BCryptPasswordEncoder(10).encode(password));
  }

  String editorPassword(InstanceRow instance) {
    return secrets.decrypt(instance.sealedEditorPassword());
  }
}
