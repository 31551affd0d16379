package dev.tenantry.operator.tenant;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.tenant.Endpoints;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.crds.tenant.TenantStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import dev.tenantry.operator.hibernation.HibernationDecision;
import dev.tenantry.operator.policy.PolicyAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes one reconcile's progress as the steps complete: the status (built by
 * {@link TenantStatusBuilder}, written only when it changed), the phase metric, and an Event
 * per phase change.
 */
final class TenantProgress {
  private final Tenant tenant;
  private final Context<Tenant> context;
  private final TenantStatusBuilder statusBuilder;
  private final ClusterEvents events;
  private final TenantMetrics metrics;
  private final List<StepOutcome> outcomes = new ArrayList<>();
  private TenantStatus published;
  private HibernationDecision hibernation = HibernationDecision.none();
  private Optional<PolicyAudit> policyAudit = Optional.empty();
  /**
   * The Tenant as the last patch returned it: each patch carries its resourceVersion, and one
   * sent with an older version (the reconcile's own copy, after an earlier step's patch) is
   * refused as a conflict, retried once the informer caught up, and costs a write for nothing.
   */
  private Tenant latest;

  TenantProgress(Tenant tenant, Context<Tenant> context, TenantStatusBuilder statusBuilder, ClusterEvents events,
      TenantMetrics metrics) {
    this.tenant = tenant;
    this.context = context;
    this.statusBuilder = statusBuilder;
    this.events = events;
    this.metrics = metrics;
    this.published = tenant.getStatus();
    this.latest = tenant;
  }

  /** Whether the runtime sleeps, shown in every status published from here on. */
  void hibernation(HibernationDecision decision) {
    this.hibernation = decision;
  }

  /** What the audit of the owners' objects found, shown in every status published from here on. */
  void policyAudit(PolicyAudit audit) {
    this.policyAudit = Optional.of(audit);
  }

  /**
   * Records a finished step; publishes the partial status only when the stored status does not
   * show the step done yet, so a settled tenant is never written a regressing status.
   */
  void complete(StepOutcome outcome) {
    outcomes.add(outcome);
    boolean alreadyDone = published != null && published.condition(outcome.step().conditionType())
        .map(c -> "True".equals(c.getStatus())).orElse(false);
    if (!alreadyDone) {
      publish(build(Optional.empty(), Optional.empty()));
    }
  }

  /** Records the step the walk stops at (waiting) and publishes. */
  void stop(StepOutcome outcome) {
    outcomes.add(outcome);
    publish(build(Optional.empty(), Optional.empty()));
  }

  /** Records the last step's outcome, done or waiting, and publishes it with the runtime's state. */
  void finish(StepOutcome outcome, RuntimeStatus runtime, Endpoints endpoints) {
    outcomes.add(outcome);
    publish(build(Optional.of(runtime), Optional.of(endpoints)));
  }

  private TenantStatus build(Optional<RuntimeStatus> runtime, Optional<Endpoints> endpoints) {
    Tenant current = new Tenant();
    current.setMetadata(tenant.getMetadata());
    current.setSpec(tenant.getSpec());
    current.setStatus(published);
    return statusBuilder.build(current, outcomes, runtime.or(this::previousRuntime),
        endpoints.or(this::previousEndpoints), tenant.getSpec().isSuspendedRequested(), hibernation, policyAudit);
  }

  private Optional<RuntimeStatus> previousRuntime() {
    return Optional.ofNullable(published).map(TenantStatus::getRuntime);
  }

  private Optional<Endpoints> previousEndpoints() {
    return Optional.ofNullable(published).map(TenantStatus::getEndpoints);
  }

  /** Writes {@code status} unless it is what the Tenant already shows. */
  void publish(TenantStatus status) {
    // counted on every reconcile, written or not: a restarted operator knows its settled tenants
    metrics.phase(tenant.getMetadata().getName(), status.getPhase());
    if (Objects.equals(status, published)) {
      return;
    }
    Phase before = published == null ? null : published.getPhase();
    latest = StatusPatches.write(latest, status, Tenant::new, context);
    published = status;
    if (before != status.getPhase()) {
      String message = status.condition(ProvisioningStep.READY).map(c -> c.getMessage()).orElse("");
      if (status.getPhase() == Phase.Failed || status.getPhase() == Phase.Degraded) {
        events.warning(tenant, status.getPhase().name(), message);
      } else {
        events.normal(tenant, status.getPhase().name(), message);
      }
    }
  }
}
