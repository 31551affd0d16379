package dev.tenantry.operator.admission;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;

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
   */
  record NamespacePolicy(String tenant, String plan, PlanPolicy policy) {}

  private final KubernetesClient client;
  private final LoadingCache<String, NamespacePolicy> byNamespace;

  TenantPolicies(KubernetesClient client, Duration ttl) {
    this.client = client;
    this.byNamespace = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(ttl).build(this::load);
  }

  /** The namespace's policy; the strictest one when its tenant or plan is gone (fail closed). */
  NamespacePolicy forNamespace(String namespace) {
    return byNamespace.get(namespace);
  }

  private NamespacePolicy load(String namespace) {
    String tenantName = TenantryApi.tenantOfNamespace(namespace).orElse(namespace);
    Optional<String> planName = Optional.ofNullable(client.resources(Tenant.class).withName(tenantName).get())
        .map(Tenant::getSpec)
        .map(spec -> spec.getPlan());
    Optional<TenantPlan> plan = planName.map(name -> client.resources(TenantPlan.class).withName(name).get());
    return new NamespacePolicy(tenantName, planName.orElse(""),
        plan.map(p -> p.getSpec().effectivePolicy()).orElseGet(PlanPolicy::new));
  }
}
