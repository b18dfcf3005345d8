package io.flowgate.engine.workflow;

import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProvider;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderCaseInstanceContext;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderHistoricDecisionInstanceContext;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderProcessInstanceContext;

/**
 * Flowgate's models are deployed once, without a tenant; each process instance belongs to the
 * organization (Camunda tenant) named by its {@code organizationId} variable, so members of one
 * organization never see another's processes and tasks in Tasklist and Cockpit.
 */
class OrganizationTenantIdProvider implements TenantIdProvider {

  /** The variable every Flowgate process is started with. */
  static final String ORGANIZATION_VARIABLE = "organizationId";

  @Override
  public String provideTenantIdForProcessInstance(TenantIdProviderProcessInstanceContext ctx) {
    if (ctx.getSuperExecution() != null) {
      return ctx.getSuperExecution().getTenantId();
    }
    Object organization = ctx.getVariables().get(ORGANIZATION_VARIABLE);
    return organization instanceof String id ? id : null;
  }

  @Override
  public String provideTenantIdForCaseInstance(TenantIdProviderCaseInstanceContext ctx) {
    return null;
  }

  @Override
  public String provideTenantIdForHistoricDecisionInstance(
      TenantIdProviderHistoricDecisionInstanceContext ctx) {
    if (ctx.getExecution() != null) {
      return ctx.getExecution().getTenantId();
    }
    return null;
  }
}
