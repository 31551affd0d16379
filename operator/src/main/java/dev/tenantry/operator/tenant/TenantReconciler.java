package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.hibernation.ActivatorRoute;
import dev.tenantry.operator.hibernation.HibernationDecision;
import dev.tenantry.operator.hibernation.HibernationPlanner;
import dev.tenantry.operator.kube.PrunedItemStore;
import dev.tenantry.operator.policy.OwnerObjectSources;
import dev.tenantry.operator.kube.ClusterEvents;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.database.TenantDatabase;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import dev.tenantry.operator.tenant.dependent.ModelDependentResource;
import dev.tenantry.operator.tenant.dependent.TenantKubernetesDependent;
import dev.tenantry.operator.tenant.model.PlatformSettings;
import dev.tenantry.operator.tenant.model.RuntimeWorkloadModel;
import dev.tenantry.operator.tenant.model.TenantModel;
import dev.tenantry.operator.tracing.TenantTracing;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
  static final String PLAN_EVENT_SOURCE = "plans";
  static final String PLAN_INDEX = "byPlan";
  static final String ACTIVATOR_EVENT_SOURCE = "activator";
  /** Condition reason of a reconcile that failed with an error; the message says which. */
  public static final String RECONCILE_FAILED = "ReconcileFailed";
  private static final Duration RETRY_WHILE_WAITING = Duration.ofSeconds(30);
  static final Duration RENEWAL_SPREAD = Duration.ofHours(6);
  private static final String FAILED_STEP = "tenantry.failedStep";
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
  private final HibernationPlanner.RuntimeActivity runtimeActivity;
  private final OwnerObjectSources ownerObjects = new OwnerObjectSources();

  public TenantReconciler(PlatformSettings settings, CertificateAuthority ca, Optional<TenantDatabases> databases,
      Clock clock, ClusterEvents events, TenantMetrics metrics, TenantTracing tracing,
      HibernationPlanner.RuntimeActivity runtimeActivity) {
    this.settings = settings;
    this.runtimeActivity = runtimeActivity;
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
        databaseStep(d),
        Step.of(ProvisioningStep.RUNTIME)
            .applies(runtime.toArray(ModelDependentResource[]::new))
            // after the Service: its selector goes before the activator's addresses take the Endpoints
            .appliesWhen(m -> m.callsHeldBy().isPresent(), d.heldEndpoints)
            .doneWhen(this::runtimeOutcome));
  }

  private Step databaseStep(TenantDependents d) {
    Step.Builder step = Step.of(ProvisioningStep.DATABASE)
        .requires((m, context) -> m.usesPostgres() && d.database.isEmpty()
            ? Optional.of(StepOutcome.waiting(ProvisioningStep.DATABASE, "PostgresNotConfigured",
                "the tenant uses Postgres storage but the operator has no platform PostgreSQL (TENANTRY_POSTGRES_URL)"))
            : Optional.empty())
        .appliesWhen(m -> !m.usesPostgres(), d.dataClaim)
        .waitsOn(TenantDatabases.DatabaseProvisioningException.class, "DatabaseUnavailable")
        .retryingEvery(RETRY_WHILE_WAITING);
    d.database.ifPresent(database -> step.appliesWhen(TenantModel::usesPostgres, database));
    return step.doneWhen((m, context) -> m.usesPostgres()
        ? StepOutcome.done(ProvisioningStep.DATABASE, "DatabaseReady", "database " + m.databaseName())
        : StepOutcome.done(ProvisioningStep.DATABASE, "VolumeClaimed",
            "embedded store on volume claim " + RuntimeWorkloadModel.DATA_CLAIM_NAME));
  }

  @Override
  public List<EventSource<?, Tenant>> prepareEventSources(EventSourceContext<Tenant> context) {
    context.getPrimaryCache().addIndexer(PLAN_INDEX, tenant ->
        tenant.getSpec() == null || tenant.getSpec().getPlan() == null ? List.of() : List.of(tenant.getSpec().getPlan()));
    List<EventSource<?, Tenant>> sources =
        new ArrayList<>(EventSourceUtils.dependentEventSources(context, dependents.all()));
    sources.add(planEventSource(context));
    sources.add(jwksEventSource(context));
    sources.add(activatorEventSource(context));
    sources.addAll(ownerObjects.eventSources(context));
    return sources;
  }

  /** The activator's pods moving re-reconciles every tenant whose calls it holds, to point their Endpoints there. */
  private InformerEventSource<Endpoints, Tenant> activatorEventSource(EventSourceContext<Tenant> context) {
    var config = InformerEventSourceConfiguration.from(Endpoints.class, Tenant.class)
        .withName(ACTIVATOR_EVENT_SOURCE)
        .withNamespaces(settings.platformNamespace())
        .withGenericFilter(endpoints -> TenantryApi.ACTIVATOR_SERVICE.equals(endpoints.getMetadata().getName()))
        .withSecondaryToPrimaryMapper(endpoints -> context.getPrimaryCache().list()
            .filter(TenantReconciler::callsMayBeHeld)
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) ->
            Set.of(new ResourceID(TenantryApi.ACTIVATOR_SERVICE, settings.platformNamespace())))
        .build();
    return new InformerEventSource<>(config, context);
  }

  /** A tenant that sleeps or wakes, by its last status: the activator may hold its calls. */
  private static boolean callsMayBeHeld(Tenant tenant) {
    TenantStatus status = tenant.getStatus();
    return status != null
        && (status.getPhase() == Phase.Hibernated || HibernationPlanner.waking(status.getHibernation()));
  }

  /** A plan change re-reconciles every tenant on that plan. */
  private static InformerEventSource<TenantPlan, Tenant> planEventSource(EventSourceContext<Tenant> context) {
    var config = InformerEventSourceConfiguration.from(TenantPlan.class, Tenant.class)
        .withName(PLAN_EVENT_SOURCE)
        .withSecondaryToPrimaryMapper(plan -> context.getPrimaryCache()
            .byIndex(PLAN_INDEX, plan.getMetadata().getName()).stream()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) -> tenant.getSpec() == null || tenant.getSpec().getPlan() == null
            ? Set.of() : Set.of(new ResourceID(tenant.getSpec().getPlan())))
        .build();
    return new InformerEventSource<>(config, context);
  }

  /** A rotated platform JWKS re-reconciles every tenant, so each namespace gets the new keys. */
  private InformerEventSource<Secret, Tenant> jwksEventSource(EventSourceContext<Tenant> context) {
    var config = InformerEventSourceConfiguration.from(Secret.class, Tenant.class)
        .withName(ConfigMapDependentResource.JWKS_EVENT_SOURCE)
        .withNamespaces(settings.platformNamespace())
        .withGenericFilter(secret -> TenantryApi.JWKS_SECRET.equals(secret.getMetadata().getName()))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) ->
            Set.of(new ResourceID(TenantryApi.JWKS_SECRET, settings.platformNamespace())))
        .build();
    return new InformerEventSource<>(config, context);
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
    HibernationDecision sleep = hibernation(tenant, plan.get(), context, planned);
    progress.hibernation(sleep);
    progress.policyAudit(ownerObjects.audit(tenant, planned.planName(), planned.policy(), planned.ingressHost()));
    TenantModel model = planned.withHibernated(sleep.asleep())
        .withCallsHeldBy(sleep.holdsCalls() ? activator(context) : Optional.empty());
    TenantKubernetesDependent.share(context, model);
    progress.complete(StepOutcome.done(ProvisioningStep.PLAN, "PlanFound", "plan " + model.planName()));

    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      Optional<StepOutcome> waiting = step.precondition().apply(model, context).or(() -> apply(step, tenant, context, model));
      if (waiting.isPresent()) {
        progress.stop(waiting.get());
        return step.retryWhileWaiting().map(UpdateControl.<Tenant>noUpdate()::rescheduleAfter)
            .orElseGet(UpdateControl::noUpdate);
      }
      StepOutcome outcome = step.outcome().apply(model, context);
      boolean last = i == steps.size() - 1;
      if (last) {
        // done or waiting for pods: published with the runtime's state; the Deployment's informer
        // brings the next reconcile when its pods change
        progress.finish(outcome, runtimeStatus(tenant, context, model), model.endpoints());
      } else if (!outcome.done()) {
        progress.stop(outcome);
        return step.retryWhileWaiting().map(UpdateControl.<Tenant>noUpdate()::rescheduleAfter)
            .orElseGet(UpdateControl::noUpdate);
      } else {
        progress.complete(outcome);
      }
    }
    Duration renewal = untilCertificateRenewal(tenant, context);
    Duration recheck = sleep.recheckAt().map(at -> Duration.between(clock.instant(), at).plusSeconds(1))
        .filter(until -> until.compareTo(renewal) < 0).orElse(renewal);
    return UpdateControl.<Tenant>noUpdate().rescheduleAfter(recheck.isNegative() ? Duration.ofSeconds(1) : recheck);
  }

  /**
   * Whether the runtime sleeps now; asks the runtime for its last call only when the idle
   * deadline the status shows has passed.
   */
  private HibernationDecision hibernation(Tenant tenant, TenantPlan plan, Context<Tenant> context, TenantModel model) {
    boolean answering = RuntimeDeploymentState.of(context.getSecondaryResource(Deployment.class))
        .rolledOut(model.requestedReplicas());
    return HibernationPlanner.decide(tenant, HibernationPlanner.effective(tenant, plan), clock.instant(), answering,
        runtimeActivity);
  }

  /** Where the activator takes calls; empty when none is installed or none of its pods is ready. */
  private static Optional<ActivatorRoute> activator(Context<Tenant> context) {
    return context.getSecondaryResource(Endpoints.class, ACTIVATOR_EVENT_SOURCE).flatMap(ActivatorRoute::of);
  }

  /** Applies the step's dependents in order; empty once applied, or the outcome of an expected failure. */
  private Optional<StepOutcome> apply(Step step, Tenant tenant, Context<Tenant> context, TenantModel model) {
    try {
      for (Step.Part part : step.parts()) {
        if (!part.applies().test(model)) {
          continue;
        }
        if (part.dependent() instanceof ModelDependentResource<?> optional && !optional.wanted(tenant, context)) {
          optional.delete(tenant, context);
        } else {
          part.dependent().reconcile(tenant, context);
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      Optional<Step.WaitingFailure> expected = step.waitingFailure().filter(w -> w.type().isInstance(e));
      if (expected.isEmpty()) {
        // updateErrorStatus gets the same context: it names the step that failed
        context.managedWorkflowAndDependentResourceContext().put(FAILED_STEP, step.step());
        throw e;
      }
      events.warning(tenant, expected.get().reason(), e.getMessage());
      return Optional.of(StepOutcome.waiting(step.step(), expected.get().reason(), e.getMessage()));
    }
  }

  private StepOutcome runtimeOutcome(TenantModel model, Context<Tenant> context) {
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
    RuntimeDeploymentState runtime = RuntimeDeploymentState.of(context.getSecondaryResource(Deployment.class));
    if (runtime.rolledOut(model.replicas())) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "RuntimeAvailable",
          runtime.ready() + " of " + model.replicas() + " runtime pods ready on " + model.image());
    }
    return StepOutcome.waiting(ProvisioningStep.RUNTIME, "WaitingForPods", runtime.waitingFor(model.replicas()));
  }

  private RuntimeStatus runtimeStatus(Tenant tenant, Context<Tenant> context, TenantModel model) {
    String serviceIP = dependents.service.getSecondaryResource(tenant, context).map(s -> s.getSpec().getClusterIP())
        .filter(ip -> !ip.isBlank() && !"None".equals(ip)).orElse(null);
    return new RuntimeStatus(model.image(), model.replicas(),
        RuntimeDeploymentState.of(context.getSecondaryResource(Deployment.class)).ready(), serviceIP,
        model.rollout().orElse(null));
  }

  private Duration untilCertificateRenewal(Tenant tenant, Context<Tenant> context) {
    return dependents.tlsSecret.current(tenant, context)
        .map(certificate -> Duration.between(clock.instant(), certificate.renewAt()))
        .map(d -> (d.isNegative() ? Duration.ZERO : d).plus(renewalSpread(tenant)))
        .orElse(RETRY_WHILE_WAITING)
        .plusSeconds(1);
  }

  /**
   * A fixed offset per tenant, up to {@link #RENEWAL_SPREAD}: tenants created together would
   * otherwise all come due in the same second, and that many timer events at once would queue
   * ahead of every real change.
   */
  static Duration renewalSpread(Tenant tenant) {
    String identity = tenant.getMetadata().getUid() != null ? tenant.getMetadata().getUid() : tenant.getMetadata().getName();
    return Duration.ofSeconds(Math.floorMod(identity.hashCode(), RENEWAL_SPREAD.toSeconds()));
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
        context.managedWorkflowAndDependentResourceContext().get(FAILED_STEP, ProvisioningStep.class);
    TenantStatus failed = statusBuilder.failed(tenant, step, RECONCILE_FAILED, message);
    if (failed.equals(tenant.getStatus())) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    Tenant patch = new Tenant();
    patch.setMetadata(tenant.getMetadata());
    patch.setSpec(tenant.getSpec());
    patch.setStatus(failed);
    return ErrorStatusUpdateControl.patchStatus(patch);
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
        cleanUpData(tenant, context);
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

  private TenantProgress progress(Tenant tenant, Context<Tenant> context) {
    return new TenantProgress(tenant, context, statusBuilder, events, metrics);
  }

  /** Drops the tenant database (policy Delete) or keeps its data volume (policy Retain). */
  private void cleanUpData(Tenant tenant, Context<Tenant> context) {
    String name = tenant.getMetadata().getName();
    DeletionPolicy policy = tenant.getSpec().effectiveDeletionPolicy();
    if (policy == DeletionPolicy.Delete) {
      databases.ifPresent(db -> {
        if (db.find(TenantDatabase.nameFor(name)).isPresent()) {
          db.drop(TenantDatabase.nameFor(name));
        }
      });
      return;
    }
    retainDataVolume(context.getClient(), TenantryApi.namespaceOf(name));
  }

  /** Marks the embedded store's bound volume Retain, so deleting the namespace keeps the data. */
  private static void retainDataVolume(KubernetesClient client, String namespace) {
    PersistentVolumeClaim claim =
        client.persistentVolumeClaims().inNamespace(namespace).withName(RuntimeWorkloadModel.DATA_CLAIM_NAME).get();
    String volume = claim == null || claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
    if (volume != null && !volume.isBlank()) {
      client.persistentVolumes().withName(volume)
          .edit(pv -> {
            pv.getSpec().setPersistentVolumeReclaimPolicy("Retain");
            return pv;
          });
    }
  }
}
