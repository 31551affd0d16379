package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.TenantConditions;

/** The steps a tenant goes through, in order; each has a condition of the same name. */
public enum ProvisioningStep {
  PLAN(TenantConditions.PLAN_RESOLVED, "Resolving plan"),
  NAMESPACE(TenantConditions.NAMESPACE_READY, "Creating namespace"),
  CREDENTIALS(TenantConditions.CREDENTIALS_READY, "Issuing credentials"),
  DATABASE(TenantConditions.DATABASE_READY, "Provisioning storage"),
  RUNTIME(TenantConditions.RUNTIME_READY, "Starting runtime");

  /** Condition type that summarises every step. */
  public static final String READY = TenantConditions.READY;

  private final String conditionType;
  private final String description;

  ProvisioningStep(String conditionType, String description) {
    this.conditionType = conditionType;
    this.description = description;
  }

  public String conditionType() {
    return conditionType;
  }

  /** What the step does, as shown in {@code status.provisioning.currentStep}. */
  public String description() {
    return description;
  }
}
