package io.flowgate.engine.security;

import static org.camunda.bpm.engine.authorization.Authorization.ANY;
import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import io.flowgate.engine.FlowgateProperties;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Creates the first administrator on the first start: a Camunda user in Camunda's admin group, so
 * one login works for Flowgate's API, Tasklist, Cockpit and Admin. Without {@code
 * FLOWGATE_ADMIN_PASSWORD} a random password is generated and printed once to the console (never to
 * the log); later starts find the user and leave it alone.
 */
@Component
class AdminUserBootstrap implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(AdminUserBootstrap.class);

  private final IdentityService identityService;
  private final AuthorizationService authorizationService;
  private final FlowgateProperties.Admin admin;
  private final PrintStream console;

  AdminUserBootstrap(
      IdentityService identityService,
      AuthorizationService authorizationService,
      FlowgateProperties properties) {
    this.identityService = identityService;
    this.authorizationService = authorizationService;
    this.admin = properties.admin();
    // the one place a secret is shown: the operator's console, not the log
    this.console = System.out;
  }

  @Override
  public void afterPropertiesSet() {
    ensureAdminGroup();
    if (identityService.createUserQuery().userId(admin.user()).count() > 0) {
      noteThatTheConfiguredPasswordIsNotApplied();
    } else {
      createAdminUser();
    }
    if (identityService
            .createUserQuery()
            .memberOfGroup(Groups.CAMUNDA_ADMIN)
            .userId(admin.user())
            .count()
        == 0) {
      identityService.createMembership(admin.user(), Groups.CAMUNDA_ADMIN);
    }
  }

  private void ensureAdminGroup() {
    if (identityService.createGroupQuery().groupId(Groups.CAMUNDA_ADMIN).count() == 0) {
      Group group = identityService.newGroup(Groups.CAMUNDA_ADMIN);
      group.setName("Flowgate administrators");
      group.setType(Groups.GROUP_TYPE_SYSTEM);
      identityService.saveGroup(group);
    }
    for (Resource resource : Resources.values()) {
      boolean granted =
          authorizationService
                  .createAuthorizationQuery()
                  .groupIdIn(Groups.CAMUNDA_ADMIN)
                  .resourceType(resource)
                  .resourceId(ANY)
                  .count()
              > 0;
      if (!granted) {
        Authorization all = authorizationService.createNewAuthorization(AUTH_TYPE_GRANT);
        all.setGroupId(Groups.CAMUNDA_ADMIN);
        all.setResource(resource);
        all.setResourceId(ANY);
        all.addPermission(Permissions.ALL);
        authorizationService.saveAuthorization(all);
      }
    }
  }

  private void createAdminUser() {
    boolean generated = admin.password() == null || admin.password().isBlank();
    String password = generated ? randomPassword() : admin.password();
    User user = identityService.newUser(admin.user());
    user.setFirstName("Flowgate");
    user.setLastName("Administrator");
    user.setPassword(password);
    identityService.saveUser(user);
    log.info("Created the administrator '{}'", admin.user());
    if (generated) {
      console.printf(
          "%n================================================================%n"
              + "  Flowgate administrator created. This password is shown once:%n"
              + "    user:     %s%n"
              + "    password: %s%n"
              + "  Change it in Admin (/camunda/app/admin) or set"
              + " FLOWGATE_ADMIN_PASSWORD before the first start.%n"
              + "================================================================%n%n",
          admin.user(), password);
      console.flush();
    }
  }

  private void noteThatTheConfiguredPasswordIsNotApplied() {
    // Deliberately no password check here: a failed check counts towards Camunda's lockout.
    if (admin.password() != null && !admin.password().isBlank()) {
      log.info(
          "The administrator '{}' exists already; FLOWGATE_ADMIN_PASSWORD only applies to the"
              + " first start (change the password in Admin)",
          admin.user());
    }
  }

  private static String randomPassword() {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
