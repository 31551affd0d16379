package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeStatus;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.database.TenantDatabase;
import dev.tenantry.operator.database.TenantDatabases;
import dev.tenantry.operator.pki.CertificateAuthority;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import dev.tenantry.operator.tenant.dependent.DatabaseSecretDependentResource;
import dev.tenantry.operator.tenant.dependent.ModelDependentResource;
import dev.tenantry.operator.tenant.dependent.TenantDatabaseDependentResource;
import dev.tenantry.operator.tenant.dependent.TlsSecretDependentResource;
import dev.tenantry.operator.tracing.TenantTracing;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a Tenant step by step (plan, namespace, credentials, storage, runtime), writing
 * the status after each step so watchers see progress, and cleans up by the deletion policy.
 * The objects themselves are dependents whose desired state comes from {@link TenantModel}.
 */
@ControllerConfiguration(name = TenantReconciler.NAME)
public final class TenantReconciler implements Reconciler<Tenant>, Cleaner<Tenant> {

  public static final String NAME = "tenant";
  static final String PLAN_EVENT_SOURCE = "plans";
  static final String PLAN_INDEX = "byPlan";
  /** Condition reason when the plan's runtime breaks the plan's policy. */
  public static final String POLICY_VIOLATION = "PolicyViolation";
  private static final Duration RETRY_WHILE_WAITING = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(TenantReconciler.class);

  private final PlatformSettings settings;
  private final Optional<TenantDatabases> databases;
  private final Clock clock;
  private final TenantEvents events;
  private final TenantMetrics metrics;
  private final TenantTracing tracing;
  private final TenantStatusBuilder statusBuilder;

  private final ModelDependentResource<Namespace> namespace;
  private final ModelDependentResource<ResourceQuota> quota;
  private final ModelDependentResource<LimitRange> limitRange;
  private final ModelDependentResource<NetworkPolicy> networkPolicy;
  private final ModelDependentResource<ServiceAccount> serviceAccount;
  private final ModelDependentResource<RoleBinding> owners;
  private final ConfigMapDependentResource configMap;
  private final TlsSecretDependentResource tlsSecret;
  private final DatabaseSecretDependentResource databaseSecret;
  private final Optional<TenantDatabaseDependentResource> database;
  private final ModelDependentResource<PersistentVolumeClaim> dataClaim;
  private final ModelDependentResource<Deployment> deployment;
  private final ModelDependentResource<Service> service;
  private final ModelDependentResource<Ingress> ingress;
  private final Optional<ModelDependentResource<PodDisruptionBudget>> disruptionBudget;

  public TenantReconciler(PlatformSettings settings, CertificateAuthority ca, Optional<TenantDatabases> databases,
      Clock clock, TenantEvents events, TenantMetrics metrics, TenantTracing tracing) {
    this.settings = settings;
    this.tracing = tracing;
    this.databases = databases;
    this.clock = clock;
    this.events = events;
    this.metrics = metrics;
    this.statusBuilder = new TenantStatusBuilder(clock);
    namespace = ModelDependentResource.always(Namespace.class, "namespace", null, settings, TenantModel::namespace);
    quota = ModelDependentResource.always(ResourceQuota.class, "quota", TenantModel.QUOTA_NAME, settings, TenantModel::resourceQuota);
    limitRange = ModelDependentResource.always(LimitRange.class, "limitrange", TenantModel.LIMIT_RANGE_NAME, settings, TenantModel::limitRange);
    networkPolicy =
        ModelDependentResource.always(NetworkPolicy.class, "networkpolicy", TenantModel.NETWORK_POLICY_NAME, settings, TenantModel::networkPolicy);
    serviceAccount =
        ModelDependentResource.always(ServiceAccount.class, "serviceaccount", TenantModel.SERVICE_ACCOUNT_NAME, settings, TenantModel::serviceAccount);
    owners = ModelDependentResource.optional(RoleBinding.class, "owners", TenantModel.OWNERS_ROLE_BINDING_NAME, settings, TenantModel::ownersRoleBinding);
    configMap = new ConfigMapDependentResource(settings);
    tlsSecret = new TlsSecretDependentResource(settings, ca, clock);
    databaseSecret = new DatabaseSecretDependentResource(settings);
    database = databases.map(db -> new TenantDatabaseDependentResource(db, databaseSecret));
    dataClaim = ModelDependentResource.always(PersistentVolumeClaim.class, "dataclaim", TenantModel.DATA_CLAIM_NAME, settings, TenantModel::dataClaim);
    deployment = ModelDependentResource.always(Deployment.class, "deployment", TenantModel.RUNTIME_NAME, settings, TenantModel::deployment);
    service = ModelDependentResource.always(Service.class, "service", TenantModel.RUNTIME_NAME, settings, TenantModel::service);
    ingress = ModelDependentResource.optional(Ingress.class, "ingress", TenantModel.RUNTIME_NAME, settings, TenantModel::ingress);
    disruptionBudget = settings.podDisruptionBudgets()
        ? Optional.of(ModelDependentResource.optional(PodDisruptionBudget.class, "pdb", TenantModel.RUNTIME_NAME, settings,
            TenantModel::podDisruptionBudget))
        : Optional.empty();
  }

  @Override
  public List<EventSource<?, Tenant>> prepareEventSources(EventSourceContext<Tenant> context) {
    context.getPrimaryCache().addIndexer(PLAN_INDEX, tenant ->
        tenant.getSpec() == null || tenant.getSpec().getPlan() == null ? List.of() : List.of(tenant.getSpec().getPlan()));
    List<DependentResource<?, Tenant>> dependents = new ArrayList<>(List.of(namespace, quota, limitRange,
        networkPolicy, serviceAccount, owners, configMap, tlsSecret, databaseSecret, dataClaim, deployment, service,
        ingress));
    database.ifPresent(dependents::add);
    disruptionBudget.ifPresent(dependents::add);
    List<EventSource<?, Tenant>> sources =
        new ArrayList<>(EventSourceUtils.dependentEventSources(context, dependents.toArray(DependentResource[]::new)));
    sources.add(planEventSource(context));
    sources.add(jwksEventSource(context));
    return sources;
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
        .withGenericFilter(secret -> ConfigMapDependentResource.JWKS_SECRET.equals(secret.getMetadata().getName()))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) ->
            Set.of(new ResourceID(ConfigMapDependentResource.JWKS_SECRET, settings.platformNamespace())))
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
    Progress progress = new Progress(tenant, context);
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
    TenantModel model = new TenantModel(tenant, plan.get(), settings);
    List<String> violations = model.policyViolations();
    if (!violations.isEmpty()) {
      progress.stop(StepOutcome.waiting(ProvisioningStep.PLAN, POLICY_VIOLATION, "TenantPlan '"
          + plan.get().getMetadata().getName() + "' gives a runtime its own policy refuses: "
          + String.join("; ", violations) + "; nothing was changed"));
      return UpdateControl.noUpdate();
    }
    progress.complete(StepOutcome.done(ProvisioningStep.PLAN, "PlanFound", "plan " + plan.get().getMetadata().getName()));

    reconcile(tenant, context, namespace, quota, limitRange, networkPolicy, serviceAccount);
    reconcileIfWanted(tenant, context, owners);
    progress.complete(StepOutcome.done(ProvisioningStep.NAMESPACE, "NamespaceCreated",
        "namespace " + model.namespaceName() + " with quota, limits, network isolation and owners"));

    if (ConfigMapDependentResource.platformJwks(context).isEmpty()) {
      progress.stop(StepOutcome.waiting(ProvisioningStep.CREDENTIALS, "JwksNotPublished",
          "waiting for the control API to publish the platform JWKS (Secret " + ConfigMapDependentResource.JWKS_SECRET
              + " in " + settings.platformNamespace() + ")"));
      // the JWKS Secret's informer triggers the next reconcile once it is published
      return UpdateControl.noUpdate();
    }
    reconcile(tenant, context, configMap, tlsSecret);
    if (model.usesPostgres()) {
      reconcile(tenant, context, databaseSecret);
    }
    progress.complete(StepOutcome.done(ProvisioningStep.CREDENTIALS, "CredentialsIssued",
        "serving certificate, platform JWKS" + (model.usesPostgres() ? " and database credentials" : "")));

    Optional<StepOutcome> storage = provisionStorage(tenant, context, model);
    if (storage.isPresent()) {
      progress.stop(storage.get());
      return UpdateControl.<Tenant>noUpdate().rescheduleAfter(RETRY_WHILE_WAITING);
    }
    progress.complete(model.usesPostgres()
        ? StepOutcome.done(ProvisioningStep.DATABASE, "DatabaseReady", "database " + model.databaseName())
        : StepOutcome.done(ProvisioningStep.DATABASE, "VolumeClaimed",
            "embedded store on volume claim " + TenantModel.DATA_CLAIM_NAME));

    reconcile(tenant, context, deployment, service);
    reconcileIfWanted(tenant, context, ingress);
    disruptionBudget.ifPresent(pdb -> reconcileIfWanted(tenant, context, pdb));
    RuntimeStatus runtime = runtimeStatus(tenant, context, model);
    progress.finish(runtimeOutcome(model, runtime), runtime, model);
    return UpdateControl.<Tenant>noUpdate().rescheduleAfter(untilCertificateRenewal(tenant, context));
  }

  private Optional<StepOutcome> provisionStorage(Tenant tenant, Context<Tenant> context, TenantModel model) {
    if (!model.usesPostgres()) {
      reconcile(tenant, context, dataClaim);
      return Optional.empty();
    }
    if (database.isEmpty()) {
      return Optional.of(StepOutcome.waiting(ProvisioningStep.DATABASE, "PostgresNotConfigured",
          "the tenant uses Postgres storage but the operator has no platform PostgreSQL (TENANTRY_POSTGRES_URL)"));
    }
    try {
      database.get().reconcile(tenant, context);
      return Optional.empty();
    } catch (TenantDatabases.DatabaseProvisioningException e) {
      events.warning(tenant, "DatabaseUnavailable", e.getMessage());
      return Optional.of(StepOutcome.waiting(ProvisioningStep.DATABASE, "DatabaseUnavailable", e.getMessage()));
    }
  }

  private RuntimeStatus runtimeStatus(Tenant tenant, Context<Tenant> context, TenantModel model) {
    Optional<Deployment> actual = deployment.getSecondaryResource(tenant, context);
    int ready = actual.map(Deployment::getStatus).map(s -> s.getReadyReplicas()).orElse(0);
    String serviceIP = service.getSecondaryResource(tenant, context).map(s -> s.getSpec().getClusterIP())
        .filter(ip -> !ip.isBlank() && !"None".equals(ip)).orElse(null);
    return new RuntimeStatus(model.image(), model.replicas(), ready, serviceIP);
  }

  private static StepOutcome runtimeOutcome(TenantModel model, RuntimeStatus runtime) {
    if (model.suspended()) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "Suspended", "runtime scaled to zero; data kept");
    }
    if (model.replicas() == 0) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "ScaledToZero", "runtime replicas set to 0");
    }
    if (runtime.getReadyReplicas() >= model.replicas()) {
      return StepOutcome.done(ProvisioningStep.RUNTIME, "RuntimeAvailable",
          runtime.getReadyReplicas() + " of " + model.replicas() + " runtime pods ready");
    }
    return StepOutcome.waiting(ProvisioningStep.RUNTIME, "WaitingForPods",
        "waiting for runtime pods: " + runtime.getReadyReplicas() + " of " + model.replicas() + " ready");
  }

  private Duration untilCertificateRenewal(Tenant tenant, Context<Tenant> context) {
    return tlsSecret.current(tenant, context)
        .map(certificate -> Duration.between(clock.instant(), certificate.renewAt()))
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .orElse(RETRY_WHILE_WAITING)
        .plusSeconds(1);
  }

  @SafeVarargs
  private static void reconcile(Tenant tenant, Context<Tenant> context, DependentResource<?, Tenant>... dependents) {
    for (DependentResource<?, Tenant> dependent : dependents) {
      dependent.reconcile(tenant, context);
    }
  }

  private static void reconcileIfWanted(Tenant tenant, Context<Tenant> context, ModelDependentResource<?> dependent) {
    if (dependent.wanted(tenant, context)) {
      dependent.reconcile(tenant, context);
    } else {
      dependent.delete(tenant, context);
    }
  }

  @Override
  public ErrorStatusUpdateControl<Tenant> updateErrorStatus(Tenant tenant, Context<Tenant> context, Exception e) {
    LOG.warn("reconcile of tenant {} failed: {}", tenant.getMetadata().getName(), e.getMessage());
    events.warning(tenant, "ReconcileFailed", String.valueOf(e.getMessage()));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  @Override
  public DeleteControl cleanup(Tenant tenant, Context<Tenant> context) {
    return tracing.inSpan("clean up tenant", tenant, () -> cleanUp(tenant, context));
  }

  private DeleteControl cleanUp(Tenant tenant, Context<Tenant> context) {
    String name = tenant.getMetadata().getName();
    Progress progress = new Progress(tenant, context);
    progress.publish(statusBuilder.deleting(tenant, Optional.empty()));
    try {
      if (TenantryApi.isValidTenantName(name)) {
        cleanUpData(tenant, context);
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
        client.persistentVolumeClaims().inNamespace(namespace).withName(TenantModel.DATA_CLAIM_NAME).get();
    String volume = claim == null || claim.getSpec() == null ? null : claim.getSpec().getVolumeName();
    if (volume != null && !volume.isBlank()) {
      client.persistentVolumes().withName(volume)
          .edit(pv -> {
            pv.getSpec().setPersistentVolumeReclaimPolicy("Retain");
            return pv;
          });
    }
  }

  /** Publishes the status as steps complete, writing only what changed. */
  private final class Progress {
    private final Tenant tenant;
    private final Context<Tenant> context;
    private final List<StepOutcome> outcomes = new ArrayList<>();
    private TenantStatus published;
    /**
     * The Tenant as the last patch returned it: each patch carries its resourceVersion, and one
     * sent with an older version (the reconcile's own copy, after an earlier step's patch) is
     * refused as a conflict, retried once the informer caught up, and costs a write for nothing.
     */
    private Tenant latest;

    Progress(Tenant tenant, Context<Tenant> context) {
      this.tenant = tenant;
      this.context = context;
      this.published = tenant.getStatus();
      this.latest = tenant;
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

    void stop(StepOutcome outcome) {
      outcomes.add(outcome);
      publish(build(Optional.empty(), Optional.empty()));
    }

    void finish(StepOutcome runtimeOutcome, RuntimeStatus runtime, TenantModel model) {
      outcomes.add(runtimeOutcome);
      publish(build(Optional.of(runtime), Optional.of(model.endpoints())));
    }

    private TenantStatus build(Optional<RuntimeStatus> runtime, Optional<dev.tenantry.crds.tenant.Endpoints> endpoints) {
      Tenant current = new Tenant();
      current.setMetadata(tenant.getMetadata());
      current.setSpec(tenant.getSpec());
      current.setStatus(published);
      return statusBuilder.build(current, outcomes, runtime.or(this::previousRuntime),
          endpoints.or(this::previousEndpoints), tenant.getSpec().isSuspendedRequested());
    }

    private Optional<RuntimeStatus> previousRuntime() {
      return Optional.ofNullable(published).map(TenantStatus::getRuntime);
    }

    private Optional<dev.tenantry.crds.tenant.Endpoints> previousEndpoints() {
      return Optional.ofNullable(published).map(TenantStatus::getEndpoints);
    }

    void publish(TenantStatus status) {
      if (Objects.equals(status, published)) {
        return;
      }
      Phase before = published == null ? null : published.getPhase();
      Tenant patch = new Tenant();
      patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
          .withName(tenant.getMetadata().getName())
          .build());
      patch.setStatus(status);
      latest = PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(latest, patch, context);
      published = status;
      metrics.phase(tenant.getMetadata().getName(), status.getPhase());
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
}
