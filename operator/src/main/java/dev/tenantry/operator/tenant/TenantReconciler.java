package dev.tenantry.operator.tenant;

import dev.tenantry.operator.kube.StatusPatches;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.hibernation.HibernationDecision;
import dev.tenantry.operator.hibernation.HibernationPlanner;
import dev.tenantry.operator.hibernation.TenantHibernation;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.pki.ServingCertificate;
import dev.tenantry.operator.policy.OwnerObjectSources;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import dev.tenantry.operator.tenant.dependent.ModelDependentResource;
import dev.tenantry.operator.tenant.dependent.TenantKubernetesDependent;
import dev.tenantry.operator.tenant.model.PlatformSettings;
import dev.tenantry.operator.tenant.model.TenantModel;
import dev.tenantry.operator.tracing.TenantTracing;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Tenant by walking {@link #steps}, the one declaration of what is provisioned in
 * which order (namespace, credentials, storage, runtime), writing the status after each step so
 * watchers see progress; cleans up by the deletion policy. Each object is a dependent whose
 * desired state comes from the {@link TenantModel} built once per reconcile.
 */
// generation-aware filtering would drop a rollout's image annotation (metadata moves no
// generation): TenantChangeFilter lets through exactly what needs a reconcile
@ControllerConfiguration(name = TenantReconciler.NAME, generationAwareEventProcessing = false,
    fieldManager = TenantKubernetesDependent.FIELD_MANAGER,
    informer = @Informer(onUpdateFilter = TenantChangeFilter.class, itemStore = PrunedItemStore.class))
public final class TenantReconciler implements Reconciler<Tenant>, Cleaner<Tenant> {

  public static final String NAME = "tenant";
  /** Condition reason of a reconcile that failed with an error; the message says which. */
  public static final String RECONCILE_FAILED = "ReconcileFailed";
  private static final Duration RETRY_WHILE_WAITING = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(TenantReconciler.class);

  private final PlatformSettings settings;
  private final Optional<TenantDatabases> databases;
  private final Clock clock;
  private final ClusterEvents events;
  private final TenantMetrics metrics;
  private final TenantTracing tracing;
  private final TenantStatusBuilder statusBuilder;
  private final TenantDependents dependents;
  private final List<Step> steps;
  private final TenantHibernation hibernation;
  private final OwnerObjectSources ownerObjects = new OwnerObjectSources();

  public TenantReconciler(PlatformSettings settings, CertificateAuthority ca, Optional<TenantDatabases> databases,
      Clock clock, ClusterEvents events, TenantMetrics metrics, TenantTracing tracing,
      HibernationPlanner.RuntimeActivity runtimeActivity) {
    this.settings = settings;
    this.hibernation = new TenantHibernation(settings.platformNamespace(), clock, runtimeActivity);
    this.tracing = tracing;
    this.databases = databases;
    this.clock = clock;
    this.events = events;
    this.metrics = metrics;
    this.statusBuilder = new TenantStatusBuilder(clock);
    this.dependents = new TenantDependents(settings, ca, databases, clock);
    this.steps = steps(dependents);
  }

  /** What is provisioned, in order, after the plan is resolved: one step per condition. */
  private List<Step> steps(TenantDependents d) {
    List<ModelDependentResource<?>> runtime = new ArrayList<>(List.of(d.deployment, d.service, d.ingress));
    d.disruptionBudget.ifPresent(runtime::add);
    return List.of(
        Step.of(ProvisioningStep.NAMESPACE)
            .applies(d.namespace, d.quota, d.limitRange, d.networkPolicy, d.serviceAccount, d.owners)
            .done("NamespaceCreated", m -> "namespace " + m.namespaceName()
                + " with quota, limits, network isolation and owners"),
        Step.of(ProvisioningStep.CREDENTIALS)
            // the JWKS Secret's informer triggers the next reconcile once it is published
            .requires((m, context) -> ConfigMapDependentResource.platformJwks(context).isPresent() ? Optional.empty()
                : Optional.of(StepOutcome.waiting(ProvisioningStep.CREDENTIALS, "JwksNotPublished",
                    "waiting for the control API to publish the platform JWKS (Secret " + TenantryApi.JWKS_SECRET
                        + " in " + settings.platformNamespace() + ")")))
            .applies(d.configMap, d.tlsSecret)
            .appliesWhen(TenantModel::usesPostgres, d.databaseSecret)
            .done("CredentialsIssued", m -> "serving certificate, platform JWKS"
                + (m.usesPostgres() ? " and database credentials" : "")),
        StorageStep.of(d, RETRY_WHILE_WAITING),
        Step.of(ProvisioningStep.RUNTIME)
            .applies(runtime.toArray(ModelDependentResource[]::new))
            // after the Service: its selector goes before the activator's addresses take the Endpoints
            .appliesWhen(m -> m.callsHeldBy().isPresent(), d.heldEndpoints)
            .doneWhen((m, context) -> RuntimeProgress.outcome(m, context.getSecondaryResource(Deployment.class))));
  }

  @Override
  public List<EventSource<?, Tenant>> prepareEventSources(EventSourceContext<Tenant> context) {
    List<EventSource<?, Tenant>> sources =
        new ArrayList<>(EventSourceUtils.dependentEventSources(context, dependents.all()));
    sources.add(TenantEventSources.plans(context));
    sources.add(TenantEventSources.platformJwks(context, settings.platformNamespace()));
    sources.add(hibernation.activatorEventSource(context));
    sources.addAll(ownerObjects.eventSources(context));
    return sources;
  }

  @Override
  public UpdateControl<Tenant> reconcile(Tenant tenant, Context<Tenant> context) {
    Instant started = clock.instant();
    try {
      return tracing.inSpan("reconcile tenant", tenant, () -> provision(tenant, context));
    } finally {
      metrics.reconciled(Duration.between(started, clock.instant()));
    }
  }

  private UpdateControl<Tenant> provision(Tenant tenant, Context<Tenant> context) {
    String name = tenant.getMetadata().getName();
    TenantProgress progress = progress(tenant, context);
    if (!TenantryApi.isValidTenantName(name)) {
      progress.publish(statusBuilder.invalid(tenant, "InvalidName",
          "tenant name '" + name + "' must be a DNS label (lower case letters, digits and '-') of at most "
              + TenantryApi.MAX_TENANT_NAME_LENGTH + " characters; nothing was created"));
      return UpdateControl.noUpdate();
    }
    Optional<TenantPlan> plan = context.getSecondaryResource(TenantPlan.class);
    if (plan.isEmpty()) {
      progress.stop(StepOutcome.waiting(ProvisioningStep.PLAN, "PlanNotFound",
          "TenantPlan '" + tenant.getSpec().getPlan() + "' does not exist; nothing was changed"));
      return UpdateControl.noUpdate();
    }
    TenantModel planned;
    try {
      planned = TenantModel.fromCrd(tenant, plan.get(), settings);
    } catch (TenantModel.InvalidTenantException invalid) {
      progress.stop(StepOutcome.waiting(ProvisioningStep.PLAN, invalid.reason(), invalid.getMessage()));
      return UpdateControl.noUpdate();
    }
    HibernationDecision sleep = hibernation.decide(tenant, plan.get(),
        RuntimeDeploymentState.of(context.getSecondaryResource(Deployment.class)).rolledOut(planned.requestedReplicas()));
    progress.hibernation(sleep);
    progress.policyAudit(ownerObjects.audit(tenant, planned.planName(), planned.policy(), planned.ingressHost()));
    TenantModel model = planned.withHibernated(sleep.asleep()).withCallsHeldBy(hibernation.callsHeldBy(sleep, context));
    TenantKubernetesDependent.share(context, model);
    progress.complete(StepOutcome.done(ProvisioningStep.PLAN, "PlanFound", "plan " + model.planName()));

    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      Optional<StepOutcome> waiting = step.precondition().apply(model, context)
          .or(() -> step.apply(tenant, context, model, events));
      if (waiting.isPresent()) {
        return stopAt(step, waiting.get(), progress);
      }
      StepOutcome outcome = step.outcome().apply(model, context);
      boolean last = i == steps.size() - 1;
      if (last) {
        // done or waiting for pods: published with the runtime's state; the Deployment's informer
        // brings the next reconcile when its pods change
        progress.finish(outcome, RuntimeProgress.status(model, context.getSecondaryResource(Deployment.class),
            dependents.service.getSecondaryResource(tenant, context)), model.endpoints());
      } else if (!outcome.done()) {
        return stopAt(step, outcome, progress);
      } else {
        progress.complete(outcome);
      }
    }
    Duration renewal = CertificateRenewal.until(tenant,
        dependents.tlsSecret.current(tenant, context).map(ServingCertificate::renewAt), clock.instant(), RETRY_WHILE_WAITING);
    Duration recheck = sleep.recheckAt().map(at -> Duration.between(clock.instant(), at).plusSeconds(1))
        .filter(until -> until.compareTo(renewal) < 0).orElse(renewal);
    return UpdateControl.<Tenant>noUpdate().rescheduleAfter(recheck.isNegative() ? Duration.ofSeconds(1) : recheck);
  }

  /**
   * A reconcile that failed shows on the Tenant: {@code Ready=False, ReconcileFailed} with the
   * error (and the step it stopped at), so {@code kubectl describe} tells the story; written only
   * when that changes, so retries of the same failure cost no writes.
   */
  @Override
  public ErrorStatusUpdateControl<Tenant> updateErrorStatus(Tenant tenant, Context<Tenant> context, Exception e) {
    String message = String.valueOf(e.getMessage());
    LOG.warn("reconcile of tenant {} failed: {}", tenant.getMetadata().getName(), message);
    events.warning(tenant, RECONCILE_FAILED, message);
    Optional<ProvisioningStep> step =
        context.managedWorkflowAndDependentResourceContext().get(Step.FAILED_STEP, ProvisioningStep.class);
    return StatusPatches.onError(tenant, statusBuilder.failed(tenant, step, RECONCILE_FAILED, message), Tenant::new);
  }

  @Override
  public DeleteControl cleanup(Tenant tenant, Context<Tenant> context) {
    return tracing.inSpan("clean up tenant", tenant, () -> cleanUp(tenant, context));
  }

  private DeleteControl cleanUp(Tenant tenant, Context<Tenant> context) {
    String name = tenant.getMetadata().getName();
    TenantProgress progress = progress(tenant, context);
    progress.publish(statusBuilder.deleting(tenant, Optional.empty()));
    try {
      if (TenantryApi.isValidTenantName(name)) {
        TenantDataPolicy.apply(tenant, context.getClient(), databases);
        // by name, not through the namespace dependent: that deletes only what its informer has
        // seen, and a namespace missed here would outlive its tenant
        context.getClient().namespaces().withName(TenantryApi.namespaceOf(name)).delete();
      }
    } catch (RuntimeException e) {
      progress.publish(statusBuilder.deleting(tenant, Optional.of(String.valueOf(e.getMessage()))));
      events.warning(tenant, "CleanupFailed", String.valueOf(e.getMessage()));
      throw e;
    }
    metrics.forget(name);
    events.normal(tenant, "Deleted", "tenant data handled by deletion policy "
        + tenant.getSpec().effectiveDeletionPolicy() + "; namespace deleted");
    return DeleteControl.defaultDelete();
  }

  private static UpdateControl<Tenant> stopAt(Step step, StepOutcome waiting, TenantProgress progress) {
    progress.stop(waiting);
    return step.retryWhileWaiting().map(UpdateControl.<Tenant>noUpdate()::rescheduleAfter)
        .orElseGet(UpdateControl::noUpdate);
  }

  private TenantProgress progress(Tenant tenant, Context<Tenant> context) {
    return new TenantProgress(tenant, context, statusBuilder, events, metrics);
  }
}
