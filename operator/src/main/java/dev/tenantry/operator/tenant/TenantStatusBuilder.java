package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.Endpoints;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Provisioning;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.kube.Conditions;
import dev.tenantry.operator.tenant.model.TenantModel;
import io.fabric8.kubernetes.api.model.Condition;
import dev.tenantry.operator.hibernation.HibernationDecision;
import dev.tenantry.operator.policy.PolicyAudit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a Tenant's status from what the reconciler found: the one place where phase,
 * conditions and progress are decided. A condition keeps its {@code lastTransitionTime} while
 * its status stays the same, so a status rebuilt from unchanged facts equals the stored one.
 */
public final class TenantStatusBuilder {

  private static final int TOTAL_STEPS = ProvisioningStep.values().length;

  private final Clock clock;

  public TenantStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  /** Status after {@code outcomes}, the steps reached so far in order (the last may be waiting). */
  public TenantStatus build(Tenant tenant, List<StepOutcome> outcomes, Optional<RuntimeStatus> runtime,
      Optional<Endpoints> endpoints, boolean suspended) {
    return build(tenant, outcomes, runtime, endpoints, suspended, HibernationDecision.none());
  }

  /** As above, for a tenant that may sleep: phase Hibernated, the Awake condition, status.hibernation. */
  public TenantStatus build(Tenant tenant, List<StepOutcome> outcomes, Optional<RuntimeStatus> runtime,
      Optional<Endpoints> endpoints, boolean suspended, HibernationDecision hibernation) {
    return build(tenant, outcomes, runtime, endpoints, suspended, hibernation, Optional.empty());
  }

  /**
   * As above, with the audit of the owners' objects: condition {@code PolicyViolation}, shown
   * once an object breaks a rule and from then on (False again when none does).
   */
  public TenantStatus build(Tenant tenant, List<StepOutcome> outcomes, Optional<RuntimeStatus> runtime,
      Optional<Endpoints> endpoints, boolean suspended, HibernationDecision hibernation, Optional<PolicyAudit> audit) {
    TenantStatus previous = tenant.getStatus();
    TenantStatus status = new TenantStatus();
    status.setObservedGeneration(tenant.getMetadata().getGeneration());
    status.setNamespace(tenant.namespaceName());

    List<Condition> conditions = new ArrayList<>();
    int completed = 0;
    StepOutcome firstWaiting = null;
    for (ProvisioningStep step : ProvisioningStep.values()) {
      StepOutcome outcome = outcomes.stream().filter(o -> o.step() == step).findFirst().orElse(null);
      if (outcome == null) {
        outcome = firstWaiting == null
            ? StepOutcome.waiting(step, "InProgress", step.description())
            : StepOutcome.waiting(step, "Waiting", "waiting for " + firstWaiting.step().conditionType());
      }
      if (outcome.done() && firstWaiting == null) {
        completed++;
      } else if (firstWaiting == null) {
        firstWaiting = outcome;
      }
      conditions.add(condition(previous, step.conditionType(), outcome.done(), outcome.reason(), outcome.message(),
          tenant.getMetadata().getGeneration()));
    }
    boolean ready = firstWaiting == null;
    boolean asleep = hibernation.asleep();
    conditions.add(condition(previous, ProvisioningStep.READY, ready,
        ready ? (suspended ? "Suspended" : asleep ? "Hibernated" : "TenantReady") : firstWaiting.reason(),
        ready ? (suspended ? "tenant is suspended: runtime scaled to zero, data kept"
            : asleep ? "tenant hibernates: runtime scaled to zero, data kept; the next call wakes it" : "tenant is ready")
            : firstWaiting.message(),
        tenant.getMetadata().getGeneration()));
    if (hibernation.hasCondition()) {
      conditions.add(condition(previous, HibernationDecision.CONDITION, hibernation.awake(), hibernation.reason(),
          hibernation.message(), tenant.getMetadata().getGeneration()));
    }
    audit.filter(a -> !a.clean() || (previous != null && previous.condition(PolicyAudit.CONDITION).isPresent()))
        .ifPresent(a -> conditions.add(condition(previous, PolicyAudit.CONDITION, !a.clean(), a.reason(), a.message(),
            tenant.getMetadata().getGeneration())));
    hibernation.status().ifPresent(status::setHibernation);
    status.setConditions(conditions);

    status.setProvisioning(new Provisioning(
        ready ? "Done" : firstWaiting.step().description(), completed, TOTAL_STEPS));
    status.setPhase(phase(previous, ready, suspended, asleep, completed, firstWaiting));
    runtime.ifPresent(status::setRuntime);
    endpoints.ifPresent(status::setEndpoints);
    return status;
  }

  /** Status of a tenant whose name cannot be provisioned: nothing is created. */
  public TenantStatus invalid(Tenant tenant, String reason, String message) {
    TenantStatus status = new TenantStatus();
    status.setObservedGeneration(tenant.getMetadata().getGeneration());
    status.setPhase(Phase.Failed);
    status.setConditions(List.of(condition(tenant.getStatus(), ProvisioningStep.READY, false, reason, message,
        tenant.getMetadata().getGeneration())));
    status.setProvisioning(new Provisioning("Failed", 0, TOTAL_STEPS));
    return status;
  }

  /**
   * Status after a reconcile failed with an error: the step that failed (else the first one not
   * yet done) and {@code Ready} turn False with {@code reason} and the error; a tenant that was
   * Ready shows Degraded, any other keeps its phase. Everything else stays as it was.
   */
  public TenantStatus failed(Tenant tenant, Optional<ProvisioningStep> step, String reason, String message) {
    TenantStatus previous = tenant.getStatus() == null ? new TenantStatus() : tenant.getStatus();
    TenantStatus status = new TenantStatus();
    status.setObservedGeneration(tenant.getMetadata().getGeneration());
    status.setNamespace(previous.getNamespace() != null ? previous.getNamespace() : tenant.namespaceName());
    status.setEndpoints(previous.getEndpoints());
    status.setRuntime(previous.getRuntime());
    status.setProvisioning(previous.getProvisioning());
    status.setHibernation(previous.getHibernation());
    List<Condition> before = previous.getConditions() == null ? List.of() : previous.getConditions();
    Optional<String> failedStep = step.map(ProvisioningStep::conditionType).or(() ->
        java.util.Arrays.stream(ProvisioningStep.values())
            .map(ProvisioningStep::conditionType)
            .filter(type -> before.stream().noneMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus())))
            .findFirst());
    List<Condition> conditions = new ArrayList<>();
    for (Condition condition : before) {
      if (!ProvisioningStep.READY.equals(condition.getType()) && !failedStep.equals(Optional.of(condition.getType()))) {
        conditions.add(condition);
      }
    }
    failedStep.ifPresent(type -> conditions.add(condition(previous, type, false, reason, message,
        tenant.getMetadata().getGeneration())));
    conditions.add(condition(previous, ProvisioningStep.READY, false, reason, message,
        tenant.getMetadata().getGeneration()));
    status.setConditions(conditions);
    Phase phase = previous.getPhase();
    status.setPhase(phase == null ? Phase.Pending : phase == Phase.Ready ? Phase.Degraded : phase);
    return status;
  }

  /** Status while the finalizer cleans up, with the failure of the last attempt if any. */
  public TenantStatus deleting(Tenant tenant, Optional<String> failure) {
    TenantStatus previous = tenant.getStatus() == null ? new TenantStatus() : tenant.getStatus();
    TenantStatus status = new TenantStatus();
    status.setObservedGeneration(previous.getObservedGeneration());
    status.setNamespace(previous.getNamespace());
    status.setEndpoints(previous.getEndpoints());
    status.setRuntime(previous.getRuntime());
    status.setProvisioning(previous.getProvisioning());
    status.setHibernation(previous.getHibernation());
    status.setPhase(Phase.Deleting);
    List<Condition> conditions = new ArrayList<>(previous.getConditions() == null ? List.of() : previous.getConditions());
    conditions.removeIf(c -> ProvisioningStep.READY.equals(c.getType()));
    conditions.add(condition(previous, ProvisioningStep.READY, false,
        failure.isPresent() ? "CleanupFailed" : "Deleting",
        failure.map(f -> "cleanup failed, retrying: " + f).orElse("deleting the tenant's namespace and data"),
        tenant.getMetadata().getGeneration()));
    status.setConditions(conditions);
    return status;
  }

  private static Phase phase(TenantStatus previous, boolean ready, boolean suspended, boolean asleep, int completed,
      StepOutcome firstWaiting) {
    if (ready) {
      return suspended ? Phase.Suspended : asleep ? Phase.Hibernated : Phase.Ready;
    }
    if (firstWaiting.step() == ProvisioningStep.PLAN) {
      // a plan that breaks its own policy will not fix itself: an admin must change it
      return TenantModel.POLICY_VIOLATION.equals(firstWaiting.reason()) ? Phase.Failed : Phase.Pending;
    }
    boolean wasReady = previous != null && (previous.getPhase() == Phase.Ready || previous.getPhase() == Phase.Degraded);
    if (wasReady && firstWaiting.step() == ProvisioningStep.RUNTIME) {
      return Phase.Degraded;
    }
    if (previous != null && previous.getPhase() == Phase.Hibernated && firstWaiting.step() == ProvisioningStep.RUNTIME) {
      // waking: Hibernated until the runtime answers, then Ready
      return Phase.Hibernated;
    }
    return completed == 0 ? Phase.Pending : Phase.Provisioning;
  }

  private Condition condition(TenantStatus previous, String type, boolean done, String reason, String message,
      Long generation) {
    return Conditions.of(previous == null ? null : previous.getConditions(), type, done, reason, message, generation,
        clock.instant());
  }
}
