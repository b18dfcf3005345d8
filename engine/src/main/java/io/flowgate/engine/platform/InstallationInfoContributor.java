package io.flowgate.engine.platform;

import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** Shows the installation id and creation time under {@code /actuator/info}. */
@Component
class InstallationInfoContributor implements InfoContributor {

  private final InstallationService installations;

  InstallationInfoContributor(InstallationService installations) {
    this.installations = installations;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Installation installation = installations.installation();
    builder.withDetail(
        "installation",
        Map.of("id", installation.id().toString(), "createdAt", installation.createdAt()));
  }
}
