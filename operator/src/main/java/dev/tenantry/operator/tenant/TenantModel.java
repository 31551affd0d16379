package dev.tenantry.operator.tenant;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.Features;
import dev.tenantry.crds.plan.LimitRangeDefaults;
import dev.tenantry.crds.plan.PlanStorage;
import dev.tenantry.crds.plan.Quota;
import dev.tenantry.crds.plan.RuntimeDefaults;
import dev.tenantry.crds.plan.ServiceType;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Endpoints;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.admission.PodPolicy;
import dev.tenantry.operator.database.TenantDatabase;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds every Kubernetes object of one tenant from its Tenant, its plan and the platform
 * settings. Pure: the same inputs give the same objects, so each dependent's desired state is
 * easy to test without a cluster.
 */
public final class TenantModel {

  public static final String RUNTIME_NAME = "runtime";
  public static final String SERVICE_ACCOUNT_NAME = "tenant-runtime";
  public static final String OWNERS_ROLE_BINDING_NAME = "tenant-owners";
  public static final String QUOTA_NAME = "tenant-quota";
  public static final String LIMIT_RANGE_NAME = "tenant-limits";
  public static final String NETWORK_POLICY_NAME = "tenant-isolation";
  public static final String CONFIG_MAP_NAME = "tenant-config";
  public static final String TLS_SECRET_NAME = "runtime-tls";
  private static final java.math.BigDecimal HALF_CPU = new java.math.BigDecimal("0.5");
  static final int STARTUP_PROBE_SECONDS = 300;
  /** The runtime's /tmp (an emptyDir): Netty's native libraries and JVM scratch files. */
  static final String TMP_SIZE = "128Mi";
  public static final String DATABASE_SECRET_NAME = "database-credentials";
  public static final String DATA_CLAIM_NAME = "data";
  public static final String JWKS_KEY = "jwks.json";
  public static final String OWNER_CLUSTER_ROLE = "admin";
  public static final int DEFAULT_REPLICAS = 1;
  public static final Quantity DEFAULT_DATA_SIZE = new Quantity("1Gi");
  /** Namespace ephemeral storage when the plan names none. */
  public static final Quantity DEFAULT_EPHEMERAL_STORAGE = new Quantity("4Gi");
  /** Per-container ephemeral storage defaults: logs and the runtime's 128Mi /tmp fit well within. */
  static final Quantity DEFAULT_EPHEMERAL_REQUEST = new Quantity("64Mi");
  static final Quantity DEFAULT_EPHEMERAL_LIMIT = new Quantity("1Gi");
  /** User id the runtime image runs as (non-root). */
  public static final long RUNTIME_UID = 10001L;

  private final Tenant tenant;
  private final TenantPlan plan;
  private final PlatformSettings settings;

  public TenantModel(Tenant tenant, TenantPlan plan, PlatformSettings settings) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public String tenantName() {
    return tenant.getMetadata().getName();
  }

  public String namespaceName() {
    return TenantryApi.namespaceOf(tenantName());
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

  public String image() {
    RuntimeOverrides overrides = tenant.getSpec().getRuntime();
    if (overrides != null && overrides.getImage() != null) {
      return overrides.getImage();
    }
    return plan.getSpec().getRuntime().getImage();
  }

  /** Replicas the tenant asks for when running (its override, else the plan's). */
  public int requestedReplicas() {
    RuntimeOverrides overrides = tenant.getSpec().getRuntime();
    if (overrides != null && overrides.getReplicas() != null) {
      return overrides.getReplicas();
    }
    RuntimeDefaults defaults = plan.getSpec().getRuntime();
    return defaults.getReplicas() != null ? defaults.getReplicas() : DEFAULT_REPLICAS;
  }

  /** Replicas the Deployment gets: zero while suspended. */
  public int replicas() {
    return suspended() ? 0 : requestedReplicas();
  }

  public ResourceRequirements resources() {
    RuntimeOverrides overrides = tenant.getSpec().getRuntime();
    if (overrides != null && overrides.getResources() != null) {
      return overrides.getResources();
    }
    ResourceRequirements planResources = plan.getSpec().getRuntime().getResources();
    return planResources != null ? planResources : new ResourceRequirements();
  }

  /**
   * The runtime JVM's options. Within at most half a CPU the C1 compiler alone is used: startup
   * then costs about a third less CPU (16 instead of 26 CPU-seconds, docs/benchmarks.md), and the
   * peak throughput C2 would buy cannot be reached at that size anyway.
   */
  public String javaOptions() {
    Quantity cpuLimit = resources().getLimits() == null ? null : resources().getLimits().get("cpu");
    boolean small = cpuLimit != null && Quantity.getAmountInBytes(cpuLimit).compareTo(HALF_CPU) <= 0;
    return "-XX:MaxRAMPercentage=70 -Djava.io.tmpdir=/tmp" + (small ? " -XX:TieredStopAtLevel=1" : "");
  }

  /**
   * What the runtime pod this model builds breaks of the plan's own policy (a registry the plan
   * does not allow, a Pod Security level it cannot meet); the admission webhook would refuse it.
   */
  public List<String> policyViolations() {
    return PodPolicy.violations(deployment().getSpec().getTemplate().getSpec(), "runtime pod ",
        plan.getMetadata().getName(), plan.getSpec().effectivePolicy());
  }

  public Features features() {
    return plan.getSpec().getFeatures() != null ? plan.getSpec().getFeatures() : new Features();
  }

  public Optional<String> ingressHost() {
    return Optional.ofNullable(tenant.getSpec().getIngress()).map(i -> i.getHost()).filter(h -> !h.isBlank());
  }

  public String databaseName() {
    return TenantDatabase.nameFor(tenantName());
  }

  /** DNS names on the serving certificate: the Service's names and the ingress host. */
  public List<String> certificateDnsNames() {
    String ns = namespaceName();
    List<String> names = new ArrayList<>(List.of(
        RUNTIME_NAME + "." + ns + ".svc",
        RUNTIME_NAME,
        RUNTIME_NAME + "." + ns,
        RUNTIME_NAME + "." + ns + ".svc.cluster.local"));
    ingressHost().ifPresent(names::add);
    return names;
  }

  public Endpoints endpoints() {
    Optional<String> host = ingressHost();
    if (host.isPresent()) {
      String base = "https://" + host.get();
      return new Endpoints(base + "/api/v1", base + "/graphql", host.get() + ":443",
          "wss://" + host.get() + "/ws/events");
    }
    String service = RUNTIME_NAME + "." + namespaceName() + ".svc";
    String http = "http://" + service + ":" + PlatformSettings.HTTP_PORT;
    return new Endpoints(http + "/api/v1", http + "/graphql", service + ":" + PlatformSettings.GRPC_PORT,
        "ws://" + service + ":" + PlatformSettings.HTTP_PORT + "/ws/events");
  }

  // ---------------------------------------------------------------- labels and metadata

  /** Labels every object of this tenant carries; the operator's informers select on them. */
  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(TenantryApi.TENANT_LABEL, tenantName());
    labels.put(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE);
    labels.put("app.kubernetes.io/part-of", "tenantry");
    return labels;
  }

  public Map<String, String> runtimeSelector() {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put("app.kubernetes.io/name", "tenant-runtime");
    selector.put("app.kubernetes.io/instance", tenantName());
    return selector;
  }

  private Map<String, String> runtimeLabels() {
    Map<String, String> labels = new LinkedHashMap<>(labels());
    labels.putAll(runtimeSelector());
    labels.put("app.kubernetes.io/component", "runtime");
    return labels;
  }

  private ObjectMeta meta(String name) {
    return new ObjectMetaBuilder().withName(name).withNamespace(namespaceName()).withLabels(labels()).build();
  }

  // ---------------------------------------------------------------- namespace and policy

  /**
   * The tenant's namespace, labelled with the plan's Pod Security level: where the cluster has
   * PodSecurity admission (1.23+) it enforces the same level as a second line behind the webhook.
   */
  public Namespace namespace() {
    Map<String, String> labels = new LinkedHashMap<>(labels());
    String level = plan.getSpec().effectivePolicy().effectivePodSecurity().label();
    labels.put("pod-security.kubernetes.io/enforce", level);
    labels.put("pod-security.kubernetes.io/audit", level);
    labels.put("pod-security.kubernetes.io/warn", level);
    return new NamespaceBuilder().withNewMetadata().withName(namespaceName()).withLabels(labels).endMetadata().build();
  }

  /**
   * Compute, storage and object-count limits of the namespace: everything the Multi-Tenancy
   * Benchmarks ask a tenant namespace's quota to name. Service types the plan does not allow get
   * a count of 0, a second line behind the admission webhook.
   */
  public ResourceQuota resourceQuota() {
    Quota quota = plan.getSpec().getQuota();
    List<ServiceType> serviceTypes = plan.getSpec().effectivePolicy().effectiveServiceTypes();
    Map<String, Quantity> hard = new LinkedHashMap<>();
    hard.put("requests.cpu", quota.getCpu());
    hard.put("limits.cpu", quota.getCpu());
    hard.put("requests.memory", quota.getMemory());
    hard.put("limits.memory", quota.getMemory());
    Quantity ephemeral = Optional.ofNullable(quota.getEphemeralStorage()).orElse(DEFAULT_EPHEMERAL_STORAGE);
    hard.put("requests.ephemeral-storage", ephemeral);
    hard.put("limits.ephemeral-storage", ephemeral);
    if (quota.getPods() != null) {
      hard.put("pods", count(quota.getPods()));
    }
    if (quota.getStorage() != null) {
      hard.put("requests.storage", quota.getStorage());
    }
    hard.put("persistentvolumeclaims", count(orDefault(quota.getPersistentVolumeClaims(), 5)));
    hard.put("services", count(orDefault(quota.getServices(), 10)));
    hard.put("services.nodeports", count(serviceTypes.contains(ServiceType.NodePort)
        ? orDefault(quota.getNodePorts(), 0) : 0));
    hard.put("services.loadbalancers", count(serviceTypes.contains(ServiceType.LoadBalancer)
        ? orDefault(quota.getLoadBalancers(), 0) : 0));
    hard.put("secrets", count(orDefault(quota.getSecrets(), 50)));
    hard.put("configmaps", count(orDefault(quota.getConfigMaps(), 50)));
    hard.put("replicationcontrollers", count(orDefault(quota.getReplicationControllers(), 0)));
    // the namespace's own quota is the only one: owners cannot add another
    hard.put("resourcequotas", count(1));
    return new ResourceQuotaBuilder().withMetadata(meta(QUOTA_NAME)).withNewSpec().withHard(hard).endSpec().build();
  }

  /**
   * Container defaults of the namespace. Ephemeral storage always gets a default request and
   * limit, because the quota names it and would otherwise refuse every pod that does not.
   */
  public LimitRange limitRange() {
    LimitRangeDefaults defaults = plan.getSpec().getLimitRange();
    var item = new io.fabric8.kubernetes.api.model.LimitRangeItemBuilder().withType("Container");
    Map<String, Quantity> defaultRequest = new LinkedHashMap<>();
    Map<String, Quantity> defaultLimit = new LinkedHashMap<>();
    if (defaults != null) {
      if (defaults.getDefaultRequest() != null) {
        defaultRequest.putAll(defaults.getDefaultRequest());
      }
      if (defaults.getDefaultLimit() != null) {
        defaultLimit.putAll(defaults.getDefaultLimit());
      }
      if (defaults.getMax() != null && !defaults.getMax().isEmpty()) {
        item.withMax(new LinkedHashMap<>(defaults.getMax()));
      }
    }
    defaultRequest.putIfAbsent("ephemeral-storage", DEFAULT_EPHEMERAL_REQUEST);
    defaultLimit.putIfAbsent("ephemeral-storage", DEFAULT_EPHEMERAL_LIMIT);
    item.withDefaultRequest(defaultRequest).withDefault(defaultLimit);
    return new LimitRangeBuilder().withMetadata(meta(LIMIT_RANGE_NAME)).withNewSpec().withLimits(item.build()).endSpec()
        .build();
  }

  /**
   * One policy selecting every pod of the namespace, so anything not allowed here is denied:
   * ingress from the namespace itself, the platform namespace and the ingress controller;
   * egress inside the namespace, to DNS, and to PostgreSQL when the tenant uses it.
   */
  public NetworkPolicy networkPolicy() {
    List<NetworkPolicyIngressRule> ingress = List.of(
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewPodSelector().endPodSelector().endFrom().build(),
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", settings.platformNamespace()).endNamespaceSelector()
            .endFrom().build(),
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", settings.ingressNamespace()).endNamespaceSelector()
            .endFrom()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(PlatformSettings.HTTP_PORT)).endPort()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(PlatformSettings.GRPC_PORT)).endPort()
            .build());
    List<NetworkPolicyEgressRule> egress = new ArrayList<>(List.of(
        new NetworkPolicyEgressRuleBuilder().addNewTo().withNewPodSelector().endPodSelector().endTo().build(),
        new NetworkPolicyEgressRuleBuilder()
            .addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort()
            .build()));
    if (usesPostgres()) {
      egress.add(new NetworkPolicyEgressRuleBuilder()
          .addNewPort().withProtocol("TCP").withPort(new IntOrString(settings.postgresTenantPort())).endPort()
          .build());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(meta(NETWORK_POLICY_NAME))
        .withNewSpec()
        .withNewPodSelector().endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withIngress(ingress)
        .withEgress(egress)
        .endSpec()
        .build();
  }

  public ServiceAccount serviceAccount() {
    return new ServiceAccountBuilder().withMetadata(meta(SERVICE_ACCOUNT_NAME)).withAutomountServiceAccountToken(false)
        .build();
  }

  /** Binds the tenant's owners to the cluster's {@code admin} role in their namespace; empty without owners. */
  public Optional<RoleBinding> ownersRoleBinding() {
    List<Owner> owners = tenant.getSpec().getOwners();
    if (owners == null || owners.isEmpty()) {
      return Optional.empty();
    }
    List<Subject> subjects = owners.stream()
        .map(o -> new SubjectBuilder().withKind(o.getKind().name()).withName(o.getName())
            .withApiGroup("rbac.authorization.k8s.io").build())
        .toList();
    return Optional.of(new RoleBindingBuilder()
        .withMetadata(meta(OWNERS_ROLE_BINDING_NAME))
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
        .withName(OWNER_CLUSTER_ROLE).endRoleRef()
        .withSubjects(subjects)
        .build());
  }

  // ---------------------------------------------------------------- configuration and secrets

  /** Tenant name, enabled features and the platform JWKS the runtime verifies tokens with. */
  public ConfigMap configMap(String jwks) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tenant", tenantName());
    data.put("features", enabledFeatures());
    data.put(JWKS_KEY, jwks);
    return new ConfigMapBuilder().withMetadata(meta(CONFIG_MAP_NAME)).withData(data).build();
  }

  public Secret tlsSecret(dev.tenantry.operator.pki.ServingCertificate certificate) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("tls.crt", base64(certificate.certificatePem()));
    data.put("tls.key", base64(certificate.keyPem()));
    data.put("ca.crt", base64(certificate.caPem()));
    return new SecretBuilder().withMetadata(meta(TLS_SECRET_NAME)).withType("kubernetes.io/tls").withData(data).build();
  }

  public Secret databaseSecret(String password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("url", base64(postgresUrl()));
    data.put("username", base64(databaseName()));
    data.put("password", base64(password));
    data.put("database", base64(databaseName()));
    return new SecretBuilder().withMetadata(meta(DATABASE_SECRET_NAME)).withType("Opaque").withData(data).build();
  }

  private String postgresUrl() {
    String host = settings.postgresTenantHost().orElse("postgres");
    return "postgresql://" + host + ":" + settings.postgresTenantPort() + "/" + databaseName();
  }

  // ---------------------------------------------------------------- runtime

  public PersistentVolumeClaim dataClaim() {
    PlanStorage storage = plan.getSpec().getStorage();
    Quantity size = storage != null && storage.getSize() != null ? storage.getSize() : DEFAULT_DATA_SIZE;
    var spec = new PersistentVolumeClaimBuilder()
        .withMetadata(meta(DATA_CLAIM_NAME))
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", size).endResources();
    if (storage != null && storage.getStorageClassName() != null) {
      spec.withStorageClassName(storage.getStorageClassName());
    }
    return spec.endSpec().build();
  }

  public Deployment deployment() {
    List<EnvVar> env = new ArrayList<>(List.of(
        env("TENANTRY_TENANT", tenantName()),
        env("TENANTRY_JWKS", "/etc/tenantry/config/" + JWKS_KEY),
        env("TENANTRY_FEATURES", enabledFeatures()),
        env("TENANTRY_TLS_CERT", "/etc/tenantry/tls/tls.crt"),
        env("TENANTRY_TLS_KEY", "/etc/tenantry/tls/tls.key"),
        env("SERVER_PORT", String.valueOf(PlatformSettings.HTTP_PORT)),
        env("TENANTRY_GRPC_PORT", String.valueOf(PlatformSettings.GRPC_PORT)),
        env("MANAGEMENT_SERVER_PORT", String.valueOf(PlatformSettings.MANAGEMENT_PORT)),
        env("JAVA_TOOL_OPTIONS", javaOptions())));
    List<Volume> volumes = new ArrayList<>(List.of(
        // bounded, and not empty: JOSDK's server-side-apply matcher reads an empty emptyDir back
        // as missing and patched the Deployment again on every reconcile
        new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity(TMP_SIZE)).endEmptyDir()
            .build(),
        new VolumeBuilder().withName("config").withNewConfigMap().withName(CONFIG_MAP_NAME).endConfigMap().build(),
        new VolumeBuilder().withName("tls").withNewSecret().withSecretName(TLS_SECRET_NAME).endSecret().build()));
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        mount("tmp", "/tmp", false),
        mount("config", "/etc/tenantry/config", true),
        mount("tls", "/etc/tenantry/tls", true)));
    if (usesPostgres()) {
      env.add(env("TENANTRY_STORAGE", "postgres"));
      env.add(secretEnv("TENANTRY_DB_URL", "url"));
      env.add(secretEnv("TENANTRY_DB_USER", "username"));
      env.add(secretEnv("TENANTRY_DB_PASSWORD", "password"));
    } else {
      env.add(env("TENANTRY_STORAGE", "embedded"));
      env.add(env("TENANTRY_DATA_DIR", "/data"));
      volumes.add(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim()
          .withClaimName(DATA_CLAIM_NAME).endPersistentVolumeClaim().build());
      mounts.add(mount("data", "/data", false));
    }
    return new DeploymentBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(RUNTIME_NAME).withNamespace(namespaceName())
            .withLabels(runtimeLabels()).build())
        .withNewSpec()
        .withReplicas(replicas())
        .withRevisionHistoryLimit(3)
        .withNewSelector().withMatchLabels(runtimeSelector()).endSelector()
        // an embedded store lives on a ReadWriteOnce volume: never two pods on it at once
        .withNewStrategy().withType(usesPostgres() ? "RollingUpdate" : "Recreate").endStrategy()
        .withNewTemplate()
        .withNewMetadata().withLabels(runtimeLabels()).endMetadata()
        .withNewSpec()
        .withServiceAccountName(SERVICE_ACCOUNT_NAME)
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUNTIME_UID)
        .withRunAsGroup(RUNTIME_UID)
        .withFsGroup(RUNTIME_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("runtime")
        .withImage(image())
        .withImagePullPolicy("IfNotPresent")
        .addNewPort().withName("http").withContainerPort(PlatformSettings.HTTP_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("grpc").withContainerPort(PlatformSettings.GRPC_PORT).withProtocol("TCP").endPort()
        .addNewPort().withName("management").withContainerPort(PlatformSettings.MANAGEMENT_PORT).withProtocol("TCP")
        .endPort()
        .withEnv(env)
        .withResources(resources())
        // readiness every 2 s: after the startup probe passes, the pod turns Ready (and the tenant
        // with it) at the next readiness tick, which at 5 s cost a new tenant 2.5 s on average
        .withReadinessProbe(probe("/actuator/health/readiness", 3, 2))
        .withLivenessProbe(probe("/actuator/health/liveness", 6, 5))
        // a JVM starting on a busy node (twenty tenants at once on two cores) needs minutes, not
        // one: a shorter budget kills it mid-start and the restarts only add load
        .withStartupProbe(probe("/actuator/health/liveness", STARTUP_PROBE_SECONDS, 1))
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  public Service service() {
    return new ServiceBuilder()
        .withMetadata(meta(RUNTIME_NAME))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(runtimeSelector())
        .addNewPort().withName("http").withPort(PlatformSettings.HTTP_PORT)
        .withTargetPort(new IntOrString("http")).withProtocol("TCP").endPort()
        .addNewPort().withName("grpc").withPort(PlatformSettings.GRPC_PORT)
        .withTargetPort(new IntOrString("grpc")).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  /** The public entry point; empty unless the tenant names an ingress host. */
  public Optional<Ingress> ingress() {
    return ingressHost().map(host -> new IngressBuilder()
        .withMetadata(meta(RUNTIME_NAME))
        .withNewSpec()
        .addNewTl().withHosts(host).withSecretName(TLS_SECRET_NAME).endTl()
        .addNewRule().withHost(host).withNewHttp()
        .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService()
        .withName(RUNTIME_NAME).withNewPort().withName("http").endPort().endService().endBackend().endPath()
        .endHttp().endRule()
        .endSpec()
        .build());
  }

  /** Keeps one runtime pod during voluntary disruptions; only with several replicas and {@code policy/v1}. */
  public Optional<PodDisruptionBudget> podDisruptionBudget() {
    if (!settings.podDisruptionBudgets() || replicas() < 2) {
      return Optional.empty();
    }
    return Optional.of(new PodDisruptionBudgetBuilder()
        .withMetadata(meta(RUNTIME_NAME))
        .withNewSpec().withMaxUnavailable(new IntOrString(1))
        .withNewSelector().withMatchLabels(runtimeSelector()).endSelector().endSpec()
        .build());
  }

  // ---------------------------------------------------------------- helpers

  /** The plan's enabled APIs as the runtime reads them, e.g. {@code rest,graphql,websocket}. */
  private String enabledFeatures() {
    Features features = features();
    List<String> enabled = new ArrayList<>();
    if (!Boolean.FALSE.equals(features.getRest())) enabled.add("rest");
    if (!Boolean.FALSE.equals(features.getGraphql())) enabled.add("graphql");
    if (!Boolean.FALSE.equals(features.getGrpc())) enabled.add("grpc");
    if (!Boolean.FALSE.equals(features.getWebsocket())) enabled.add("websocket");
    return String.join(",", enabled);
  }

  private static Probe probe(String path, int failureThreshold, int periodSeconds) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("management")).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static Quantity count(int value) {
    return new Quantity(String.valueOf(value));
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretEnv(String name, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
        .withName(DATABASE_SECRET_NAME).withKey(key).endSecretKeyRef().endValueFrom().build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    // readOnly: false is the API's default and is not stored: stating it would make every
    // server-side-apply comparison see a difference and re-apply the Deployment
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly ? Boolean.TRUE : null)
        .build();
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
