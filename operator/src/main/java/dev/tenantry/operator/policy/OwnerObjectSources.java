package dev.tenantry.operator.policy;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.PlanPolicy;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The owners' own NetworkPolicies and Ingresses in tenant namespaces (those the operator did not
 * make), watched so that a tenant is audited again when one changes; the audit reads them from
 * these caches, never from the API server.
 */
public final class OwnerObjectSources {

  static final String NETWORK_POLICIES = "owner-networkpolicies";
  static final String INGRESSES = "owner-ingresses";
  /** Everything the operator did not make. */
  static final String OWNERS_ONLY = "!" + TenantryApi.MANAGED_BY_LABEL;

  private InformerEventSource<NetworkPolicy, Tenant> networkPolicies;
  private InformerEventSource<Ingress, Tenant> ingresses;

  /** The two event sources, for the reconciler to register; called once by the framework. */
  public List<EventSource<?, Tenant>> eventSources(EventSourceContext<Tenant> context) {
    networkPolicies = new InformerEventSource<>(config(NetworkPolicy.class, NETWORK_POLICIES), context);
    ingresses = new InformerEventSource<>(config(Ingress.class, INGRESSES), context);
    return List.of(networkPolicies, ingresses);
  }

  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> config(Class<R> type, String name) {
    return InformerEventSourceConfiguration.from(type, Tenant.class)
        .withName(name)
        .withLabelSelector(OWNERS_ONLY)
        .withSecondaryToPrimaryMapper(object -> TenantryApi.tenantOfNamespace(object.getMetadata().getNamespace())
            .map(tenant -> Set.of(new ResourceID(tenant))).orElse(Set.of()))
        .withPrimaryToSecondaryMapper((Tenant tenant) -> Set.of())
        .build();
  }

  /** The audit of one tenant's owner objects under its plan's policy. */
  public PolicyAudit audit(Tenant tenant, String planName, PlanPolicy policy, Optional<String> ownHost) {
    String namespace = TenantryApi.namespaceOf(tenant.getMetadata().getName());
    return PolicyAudit.of(tenant.getMetadata().getName(), planName, policy, ownHost,
        networkPolicies.list(namespace).toList(), ingresses.list(namespace).toList());
  }
}
