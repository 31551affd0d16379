package dev.tenantry.operator.tenant;

/** The steps a tenant goes through, in order; each has a condition of the same name. */
public enum ProvisioningStep {
  PLAN("PlanResolved", "Resolving plan"),
  NAMESPACE("NamespaceReady", "Creating namespace"),
  CREDENTIALS("CredentialsReady", "Issuing credentials"),
  DATABASE("DatabaseReady", "Provisioning storage"),
  RUNTIME("RuntimeReady", "Starting runtime");

  /** Condition type that summarises every step. */
  public static final String READY = "Ready";

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
