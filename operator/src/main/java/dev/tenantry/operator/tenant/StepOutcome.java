package dev.tenantry.operator.tenant;

/** Whether a provisioning step is done, with the reason and message its condition shows. */
public record StepOutcome(ProvisioningStep step, boolean done, String reason, String message) {

  public static StepOutcome done(ProvisioningStep step, String reason, String message) {
    return new StepOutcome(step, true, reason, message);
  }

  public static StepOutcome waiting(ProvisioningStep step, String reason, String message) {
    return new StepOutcome(step, false, reason, message);
  }
}
