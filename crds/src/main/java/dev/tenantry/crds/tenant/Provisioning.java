package dev.tenantry.crds.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/** Progress through the provisioning steps, for progress bars. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Provisioning {
  private String currentStep;
  private Integer completedSteps;
  private Integer totalSteps;

  public Provisioning() {}

  public Provisioning(String currentStep, Integer completedSteps, Integer totalSteps) {
    this.currentStep = currentStep;
    this.completedSteps = completedSteps;
    this.totalSteps = totalSteps;
  }

  public String getCurrentStep() {
    return currentStep;
  }

  public void setCurrentStep(String currentStep) {
    this.currentStep = currentStep;
  }

  public Integer getCompletedSteps() {
    return completedSteps;
  }

  public void setCompletedSteps(Integer completedSteps) {
    this.completedSteps = completedSteps;
  }

  public Integer getTotalSteps() {
    return totalSteps;
  }

  public void setTotalSteps(Integer totalSteps) {
    this.totalSteps = totalSteps;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Provisioning other
        && Objects.equals(currentStep, other.currentStep)
        && Objects.equals(completedSteps, other.completedSteps)
        && Objects.equals(totalSteps, other.totalSteps);
  }

  @Override
  public int hashCode() {
    return Objects.hash(currentStep, completedSteps, totalSteps);
  }
}
