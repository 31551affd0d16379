package dev.tenantry.operator.tenant.model;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.LimitRangeDefaults;
import dev.tenantry.crds.plan.Quota;
import dev.tenantry.crds.plan.ServiceType;
import dev.tenantry.crds.tenant.Owner;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeItemBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenant's namespace and what fences it in: Pod Security labels, quota, container limits,
 * the default-deny network policy, the runtime's service account and the owners' role binding.
 */
public final class NamespacePolicyModel {

  public static final String QUOTA_NAME = "tenant-quota";
  public static final String LIMIT_RANGE_NAME = "tenant-limits";
  public static final String NETWORK_POLICY_NAME = "tenant-isolation";
  public static final String SERVICE_ACCOUNT_NAME = TenantryApi.RUNTIME_SERVICE_ACCOUNT;
  public static final String OWNERS_ROLE_BINDING_NAME = "tenant-owners";
  public static final String OWNER_CLUSTER_ROLE = "admin";
  /** Namespace ephemeral storage when the plan names none. */
  public static final Quantity DEFAULT_EPHEMERAL_STORAGE = new Quantity("4Gi");
  /** Per-container ephemeral storage defaults: logs and the runtime's 128Mi /tmp fit well within. */
  static final Quantity DEFAULT_EPHEMERAL_REQUEST = new Quantity("64Mi");
  static final Quantity DEFAULT_EPHEMERAL_LIMIT = new Quantity("1Gi");

  /**
   * Object counts ({@code count/<resource>.<group>}) for every namespaced kind an owner may
   * create beyond those the quota names by their own keys: so that no owner can fill etcd or the
   * controllers' queues with one kind. A plan's {@code quota.objectCounts} replaces an entry.
   */
  public static final Map<String, Integer> DEFAULT_OBJECT_COUNTS = defaultObjectCounts();

  private final TenantModel model;

  NamespacePolicyModel(TenantModel model) {
    this.model = model;
  }

  /**
   * The tenant's namespace, labelled with the plan's Pod Security level: where the cluster has
   * PodSecurity admission (1.23+) it enforces the same level as a second line behind the webhook.
   */
  public Namespace namespace() {
    Map<String, String> labels = new LinkedHashMap<>(model.labels());
    String level = model.policy().effectivePodSecurity().label();
    labels.put("pod-security.kubernetes.io/enforce", level);
    labels.put("pod-security.kubernetes.io/audit", level);
    labels.put("pod-security.kubernetes.io/warn", level);
    return new NamespaceBuilder().withNewMetadata().withName(model.namespaceName()).withLabels(labels).endMetadata()
        .build();
  }

  /**
   * Compute, storage and object-count limits of the namespace: everything the Multi-Tenancy
   * Benchmarks ask a tenant namespace's quota to name. Service types the plan does not allow get
   * a count of 0, a second line behind the admission webhook.
   */
  public ResourceQuota resourceQuota() {
    Quota quota = model.plan().getSpec().getQuota();
    List<ServiceType> serviceTypes = model.policy().effectiveServiceTypes();
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
    Map<String, Integer> counts = new LinkedHashMap<>(DEFAULT_OBJECT_COUNTS);
    if (quota.getObjectCounts() != null) {
      counts.putAll(quota.getObjectCounts());
    }
    counts.forEach((resource, value) -> hard.put("count/" + resource, count(value)));
    return new ResourceQuotaBuilder().withMetadata(model.meta(QUOTA_NAME)).withNewSpec().withHard(hard).endSpec()
        .build();
  }

  /**
   * Container defaults of the namespace. Ephemeral storage always gets a default request and
   * limit, because the quota names it and would otherwise refuse every pod that does not.
   */
  public LimitRange limitRange() {
    LimitRangeDefaults defaults = model.plan().getSpec().getLimitRange();
    var item = new LimitRangeItemBuilder().withType("Container");
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
    return new LimitRangeBuilder().withMetadata(model.meta(LIMIT_RANGE_NAME)).withNewSpec().withLimits(item.build())
        .endSpec().build();
  }

  /**
   * One policy selecting every pod of the namespace, so anything not allowed here is denied:
   * ingress from the namespace itself, the platform namespace and the ingress controller;
   * egress inside the namespace, to DNS, to the activator (which holds the calls of a sleeping
   * tenant's Service) and to PostgreSQL when the tenant uses it.
   */
  public NetworkPolicy networkPolicy() {
    PlatformSettings settings = model.settings();
    List<NetworkPolicyIngressRule> ingress = List.of(
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewPodSelector().endPodSelector().endFrom().build(),
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", settings.platformNamespace()).endNamespaceSelector()
            .endFrom().build(),
        new NetworkPolicyIngressRuleBuilder().addNewFrom().withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", settings.ingressNamespace()).endNamespaceSelector()
            .endFrom()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(TenantryApi.RUNTIME_HTTP_PORT)).endPort()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(TenantryApi.RUNTIME_GRPC_PORT)).endPort()
            .build());
    List<NetworkPolicyEgressRule> egress = new ArrayList<>(List.of(
        new NetworkPolicyEgressRuleBuilder().addNewTo().withNewPodSelector().endPodSelector().endTo().build(),
        new NetworkPolicyEgressRuleBuilder()
            .addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
            .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort()
            .build()));
    // a sleeping tenant's Service sends its own namespace's calls to the activator, and only there
    egress.add(new NetworkPolicyEgressRuleBuilder().addNewTo()
        .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", settings.platformNamespace())
        .endNamespaceSelector()
        .withNewPodSelector().addToMatchLabels(TenantryApi.RUNTIME_NAME_LABEL, TenantryApi.ACTIVATOR_SERVICE).endPodSelector()
        .endTo()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(TenantryApi.RUNTIME_HTTP_PORT)).endPort()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(TenantryApi.RUNTIME_GRPC_PORT)).endPort()
        .build());
    if (model.usesPostgres()) {
      egress.add(new NetworkPolicyEgressRuleBuilder()
          .addNewPort().withProtocol("TCP").withPort(new IntOrString(settings.postgresTenantPort())).endPort()
          .build());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(model.meta(NETWORK_POLICY_NAME))
        .withNewSpec()
        .withNewPodSelector().endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withIngress(ingress)
        .withEgress(egress)
        .endSpec()
        .build();
  }

  public ServiceAccount serviceAccount() {
    return new ServiceAccountBuilder().withMetadata(model.meta(SERVICE_ACCOUNT_NAME))
        .withAutomountServiceAccountToken(false).build();
  }

  /** Binds the tenant's owners to the cluster's {@code admin} role in their namespace; empty without owners. */
  public Optional<RoleBinding> ownersRoleBinding() {
    List<Owner> owners = model.tenant().getSpec().getOwners();
    if (owners == null || owners.isEmpty()) {
      return Optional.empty();
    }
    List<Subject> subjects = owners.stream()
        .map(o -> new SubjectBuilder().withKind(o.getKind().name()).withName(o.getName())
            .withApiGroup("rbac.authorization.k8s.io").build())
        .toList();
    return Optional.of(new RoleBindingBuilder()
        .withMetadata(model.meta(OWNERS_ROLE_BINDING_NAME))
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
        .withName(OWNER_CLUSTER_ROLE).endRoleRef()
        .withSubjects(subjects)
        .build());
  }

  private static Map<String, Integer> defaultObjectCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("serviceaccounts", 20);
    // written by the cluster's controllers for each Service (owners may not), the platform's included
    counts.put("endpoints", 30);
    counts.put("endpointslices.discovery.k8s.io", 60);
    counts.put("podtemplates", 10);
    counts.put("deployments.apps", 20);
    // a Deployment keeps up to ten old ReplicaSets
    counts.put("replicasets.apps", 120);
    counts.put("statefulsets.apps", 10);
    counts.put("daemonsets.apps", 2);
    counts.put("controllerrevisions.apps", 60);
    counts.put("jobs.batch", 30);
    counts.put("cronjobs.batch", 10);
    counts.put("horizontalpodautoscalers.autoscaling", 10);
    counts.put("networkpolicies.networking.k8s.io", 20);
    counts.put("ingresses.networking.k8s.io", 10);
    counts.put("ingresses.extensions", 10);
    counts.put("poddisruptionbudgets.policy", 5);
    counts.put("roles.rbac.authorization.k8s.io", 20);
    counts.put("rolebindings.rbac.authorization.k8s.io", 20);
    counts.put("leases.coordination.k8s.io", 20);
    return java.util.Collections.unmodifiableMap(counts);
  }

  private static Quantity count(int value) {
    return new Quantity(String.valueOf(value));
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
