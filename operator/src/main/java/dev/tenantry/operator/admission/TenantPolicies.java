package dev.tenantry.operator.admission;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plan policy in force in a tenant namespace, read from its Tenant and TenantPlan and kept
 * for a few seconds: admission runs on every replica, leader or not, and must not keep a second
 * cache of every Tenant, so it asks the API server and remembers only the tenants in use.
 */
final class TenantPolicies {

  /**
   * The policy of one tenant namespace.
   *
   * @param plan the plan's name, {@code ""} when the tenant or its plan cannot be found
   * @param ingressHost the Tenant's own {@code spec.ingress.host}, if it names one
   */
  record NamespacePolicy(String tenant, String plan, PlanPolicy policy, Optional<String> ingressHost) {}

  /** Names of the Secrets and ConfigMaps the platform made in a namespace, which owner pods may not mount. */
  record PlatformObjects(Set<String> secrets, Set<String> configMaps) {}

  private static final String CLUSTER = "";

  private final KubernetesClient client;
  private final LoadingCache<String, NamespacePolicy> byNamespace;
  private final LoadingCache<String, PlatformObjects> platformObjects;
  private final LoadingCache<String, Optional<String>> defaultPriorityClass;

  TenantPolicies(KubernetesClient client, Duration ttl) {
    this.client = client;
    this.byNamespace = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build(this::load);
    this.platformObjects = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build(this::loadPlatform);
    this.defaultPriorityClass = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(ttl)
        .build(key -> loadDefaultPriorityClass());
  }

  KubernetesClient client() {
    return client;
  }

  /** The namespace's policy; the strictest one when its tenant or plan is gone (fail closed). */
  NamespacePolicy forNamespace(String namespace) {
    return byNamespace.get(namespace);
  }

  PlatformObjects platformObjects(String namespace) {
    return platformObjects.get(namespace);
  }

  /** The PriorityClass the API server gives a pod that names none (globalDefault), if the cluster has one. */
  Optional<String> clusterDefaultPriorityClass() {
    return defaultPriorityClass.get(CLUSTER);
  }

  private NamespacePolicy load(String namespace) {
    String tenantName = TenantryApi.tenantOfNamespace(namespace).orElse(namespace);
    Optional<Tenant> tenant = Optional.ofNullable(client.resources(Tenant.class).withName(tenantName).get());
    Optional<String> planName = tenant.map(Tenant::getSpec).map(spec -> spec.getPlan());
    Optional<TenantPlan> plan = planName.map(name -> client.resources(TenantPlan.class).withName(name).get());
    Optional<String> host = tenant.map(Tenant::getSpec).map(spec -> spec.getIngress()).map(i -> i.getHost())
        .filter(h -> !h.isBlank());
    return new NamespacePolicy(tenantName, planName.orElse(""),
        plan.map(p -> p.getSpec().effectivePolicy()).orElseGet(PlanPolicy::new), host);
  }

  private PlatformObjects loadPlatform(String namespace) {
    return new PlatformObjects(
        names(client.secrets().inNamespace(namespace)
            .withLabel(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE).list().getItems()),
        names(client.configMaps().inNamespace(namespace)
            .withLabel(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE).list().getItems()));
  }

  private Optional<String> loadDefaultPriorityClass() {
    return client.resources(PriorityClass.class).list().getItems().stream()
        .filter(c -> Boolean.TRUE.equals(c.getGlobalDefault()))
        .map(c -> c.getMetadata().getName())
        .findFirst();
  }

  private static Set<String> names(java.util.List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toUnmodifiableSet());
  }
}
