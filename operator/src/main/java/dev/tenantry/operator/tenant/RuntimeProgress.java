package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.operator.tenant.model.TenantModel;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Optional;

/** The runtime step's outcome and the status's runtime part, read off the model and what the informers hold. */
final class RuntimeProgress {
  private RuntimeProgress() {}

  static StepOutcome outcome(TenantModel model, Optional<Deployment> deployment) {
    if (model.suspended()) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "Suspended", "runtime scaled to zero; data kept");
    }
    if (model.hibernated()) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "Hibernated",
          "runtime scaled to zero while the tenant sleeps; data kept; a call or a wake request wakes it");
    }
    if (model.replicas() == 0) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "ScaledToZero", "runtime replicas set to 0");
    }
    RuntimeDeploymentState runtime = RuntimeDeploymentState.of(deployment);
    if (runtime.rolledOut(model.replicas())) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "RuntimeAvailable",
          runtime.ready() + " of " + model.replicas() + " runtime pods ready on " + model.image());
    }
    return StepOutcome.waiting(ProvisioningStep.RUNTIME, "WaitingForPods", runtime.waitingFor(model.replicas()));
  }

  static RuntimeStatus status(TenantModel model, Optional<Deployment> deployment, Optional<Service> service) {
    String serviceIP = service.map(s -> s.getSpec().getClusterIP())
        .filter(ip -> !ip.isBlank() && !"None".equals(ip)).orElse(null);
    return new RuntimeStatus(model.image(), model.replicas(), RuntimeDeploymentState.of(deployment).ready(), serviceIP,
        model.rollout().orElse(null));
  }
}
