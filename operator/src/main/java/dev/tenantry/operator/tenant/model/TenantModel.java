package dev.tenantry.operator.tenant.model;

import dev.tenantry.crds.tenant.TenantConditions;
import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.Features;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.plan.PlanStorage;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Endpoints;
import dev.tenantry.crds.plan.RuntimeImage;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.admission.PodPolicy;
import dev.tenantry.operator.database.TenantDatabase;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One tenant as the operator means to build it: the effective configuration (the Tenant's
 * overrides over its plan's defaults) and, by concern, the models that build its objects:
 * {@link #namespacePolicy()} (namespace, quota, limits, isolation, service account, owners),
 * {@link #credentials()} (configuration, certificate, database credentials) and
 * {@link #runtime()} (claim, Deployment, Service, Ingress, disruption budget). Pure: the same
 * inputs give the same objects, so each dependent's desired state is tested without a cluster.
 * Made by {@link #fromCrd}, which refuses a plan whose own runtime its policy would refuse.
 */
public final class TenantModel {

  private final Tenant tenant;
  private final TenantPlan plan;
  private final PlatformSettings settings;
  private final boolean hibernated;
  private final Optional<ActivatorRoute> heldBy;

  /** Why a Tenant cannot be built on its plan as it stands: reported as the PlanResolved condition. */
  public static final class InvalidTenantException extends RuntimeException {
    private final String reason;

    InvalidTenantException(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    /** The condition reason, e.g. {@code PolicyViolation}. */
    public String reason() {
      return reason;
    }
  }

  /** Condition reason when the plan's runtime breaks the plan's own policy. */
  public static final String POLICY_VIOLATION = TenantConditions.POLICY_VIOLATION;

  TenantModel(Tenant tenant, TenantPlan plan, PlatformSettings settings) {
    this(tenant, plan, settings, false, Optional.empty());
  }

  private TenantModel(Tenant tenant, TenantPlan plan, PlatformSettings settings, boolean hibernated,
      Optional<ActivatorRoute> heldBy) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.hibernated = hibernated;
    this.heldBy = Objects.requireNonNull(heldBy, "heldBy");
  }

  /**
   * The model of {@code tenant} on {@code plan}; throws {@link InvalidTenantException} when the
   * runtime it would build breaks the plan's own policy (the admission webhook would refuse its pods).
   */
  public static TenantModel fromCrd(Tenant tenant, TenantPlan plan, PlatformSettings settings) {
    TenantModel model = new TenantModel(tenant, plan, settings);
    List<String> violations = model.policyViolations();
    if (!violations.isEmpty()) {
      throw new InvalidTenantException(POLICY_VIOLATION, "TenantPlan '" + plan.getMetadata().getName()
          + "' gives a runtime its own policy refuses: " + String.join("; ", violations) + "; nothing was changed");
    }
    return model;
  }

  public NamespacePolicyModel namespacePolicy() {
    return new NamespacePolicyModel(this);
  }

  public CredentialsModel credentials() {
    return new CredentialsModel(this);
  }

  public RuntimeWorkloadModel runtime() {
    return new RuntimeWorkloadModel(this);
  }

  // ---------------------------------------------------------------- identity

  public String tenantName() {
    return tenant.getMetadata().getName();
  }

  public String namespaceName() {
    return TenantryApi.namespaceOf(tenantName());
  }

  public String planName() {
    return plan.getMetadata().getName();
  }

  Tenant tenant() {
    return tenant;
  }

  TenantPlan plan() {
    return plan;
  }

  PlatformSettings settings() {
    return settings;
  }

  // ---------------------------------------------------------------- effective configuration

  public StorageType storageType() {
    if (tenant.getSpec().getStorage() != null && tenant.getSpec().getStorage().getType() != null) {
      return tenant.getSpec().getStorage().getType();
    }
    PlanStorage storage = plan.getSpec().getStorage();
    return storage != null && storage.getType() != null ? storage.getType() : StorageType.Embedded;
  }

  public boolean usesPostgres() {
    return storageType() == StorageType.Postgres;
  }

  public boolean suspended() {
    return tenant.getSpec().isSuspendedRequested();
  }

  /** The runtime image: the tenant's own, else the one a rollout gave it, else the plan's. */
  public String image() {
    return RuntimeImage.of(tenant, plan);
  }

  /** The TenantRollout that moved this tenant to its image, while it applies. */
  public Optional<String> rollout() {
    return RuntimeImage.rollout(tenant);
  }

  /** Replicas the tenant asks for when running (its override, else the plan's). */
  public int requestedReplicas() {
    return plan.getSpec().getRuntime().replicasFor(tenant.getSpec().getRuntime());
  }

  /** This model with the runtime asleep or awake; the plan's policy was checked already. */
  public TenantModel withHibernated(boolean asleep) {
    return asleep == hibernated ? this : new TenantModel(tenant, plan, settings, asleep, heldBy);
  }

  /**
   * This model with the tenant's calls held by the activator at {@code route} (while it sleeps or
   * wakes), or going straight to its runtime (empty).
   */
  public TenantModel withCallsHeldBy(Optional<ActivatorRoute> route) {
    return route.equals(heldBy) ? this : new TenantModel(tenant, plan, settings, hibernated, route);
  }

  /** The activator that holds this tenant's calls now; empty when its Service selects its runtime. */
  public Optional<ActivatorRoute> callsHeldBy() {
    return heldBy;
  }

  /** Whether the runtime sleeps (see HibernationPlanner): scaled to zero until a call wakes it. */
  public boolean hibernated() {
    return hibernated;
  }

  /** Replicas the Deployment gets: zero while suspended or hibernated. */
  public int replicas() {
    return suspended() || hibernated ? 0 : requestedReplicas();
  }

  public ResourceRequirements resources() {
    return plan.getSpec().getRuntime().resourcesFor(tenant.getSpec().getRuntime());
  }

  public Features features() {
    return plan.getSpec().getFeatures() != null ? plan.getSpec().getFeatures() : new Features();
  }

  public PlanPolicy policy() {
    return plan.getSpec().effectivePolicy();
  }

  public Optional<String> ingressHost() {
    return Optional.ofNullable(tenant.getSpec().getIngress()).map(i -> i.getHost()).filter(h -> !h.isBlank());
  }

  public String databaseName() {
    return TenantDatabase.nameFor(tenantName());
  }

  /**
   * What the runtime pod this model builds breaks of the plan's own policy (a registry the plan
   * does not allow, a Pod Security level it cannot meet); the admission webhook would refuse it.
   */
  public List<String> policyViolations() {
    return PodPolicy.violations(runtime().deployment().getSpec().getTemplate().getSpec(), "runtime pod ",
        planName(), policy());
  }

  /** The addresses clients call: the ingress host when set, else the runtime Service's DNS name. */
  public Endpoints endpoints() {
    Optional<String> host = ingressHost();
    if (host.isPresent()) {
      String base = "https://" + host.get();
      return new Endpoints(base + "/api/v1", base + "/graphql", host.get() + ":443",
          "wss://" + host.get() + "/ws/events");
    }
    String service = TenantryApi.runtimeServiceHost(tenantName());
    String http = "http://" + service + ":" + TenantryApi.RUNTIME_HTTP_PORT;
    return new Endpoints(http + "/api/v1", http + "/graphql", service + ":" + TenantryApi.RUNTIME_GRPC_PORT,
        "ws://" + service + ":" + TenantryApi.RUNTIME_HTTP_PORT + "/ws/events");
  }

  /** The plan's enabled APIs as the runtime reads them, e.g. {@code rest,graphql,websocket}. */
  String enabledFeatures() {
    Features features = features();
    List<String> enabled = new ArrayList<>();
    if (!Boolean.FALSE.equals(features.getRest())) enabled.add("rest");
    if (!Boolean.FALSE.equals(features.getGraphql())) enabled.add("graphql");
    if (!Boolean.FALSE.equals(features.getGrpc())) enabled.add("grpc");
    if (!Boolean.FALSE.equals(features.getWebsocket())) enabled.add("websocket");
    return String.join(",", enabled);
  }

  // ---------------------------------------------------------------- labels and metadata

  /** Labels every object of this tenant carries; the operator's informers and webhooks select on them. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(TenantryApi.TENANT_LABEL, tenantName());
    labels.put(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE);
    labels.put(TenantryApi.PART_OF_LABEL, TenantryApi.PART_OF_VALUE);
    return labels;
  }

  /** Metadata of an object named {@code name} in the tenant namespace, with the tenant's labels. */
  ObjectMeta meta(String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(namespaceName()).withLabels(labels()).build();
  }
}
