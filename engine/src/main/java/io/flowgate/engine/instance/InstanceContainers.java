package io.flowgate.engine.instance;

import io.flowgate.connectors.runtime.ContainerSpec;
import io.flowgate.engine.FlowgateProperties;
import io.flowgate.engine.platform.InstallationService;
import io.flowgate.engine.secret.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** What runs for an instance: its container spec, with the secrets it needs in its environment. */
@Component
class InstanceContainers {

  static final String LABEL_INSTANCE = "io.flowgate.instance";
  static final String LABEL_TEAM = "io.flowgate.team";
  static final String LABEL_INSTALLATION = "io.flowgate.installation";

  private final InstanceEnvRepository env;
  private final InstanceRepository instances;
  private final SecretBox secrets;
  private final String installationId;
  private final String trustedCertificates;

  InstanceContainers(
      InstanceEnvRepository env,
      InstanceRepository instances,
      SecretBox secrets,
      InstallationService installation,
      FlowgateProperties properties) {
    this.env = env;
    this.instances = instances;
    this.secrets = secrets;
    this.installationId = installation.installation().id().toString();
    this.trustedCertificates = readCertificates(properties.instances().caFile());
  }

  static String containerName(String instanceId) {
    return "flowgate-" + instanceId;
  }

  /** The labels that find every instance container of this installation. */
  Map<String, String> installationLabels() {
    return Map.of(LABEL_INSTALLATION, installationId);
  }

  ContainerSpec spec(InstanceRow instance) {
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
    String settings = instances.settings(instance.id());
    if (!"{}".equals(settings)) {
      environment.put(NodeRedSettings.ENV_VAR, settings);
    }
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

  String editorPassword(InstanceRow instance) {
    return secrets.decrypt(instance.sealedEditorPassword());
  }
}
