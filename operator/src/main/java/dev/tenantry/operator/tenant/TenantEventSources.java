package dev.tenantry.operator.tenant;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The Tenant's event sources beside its dependents': what else, changing, concerns its tenants. */
final class TenantEventSources {
  static final String PLAN_EVENT_SOURCE = "plans";
  static final String PLAN_INDEX = "byPlan";

  private TenantEventSources() {}

  /** A plan change re-reconciles every tenant on that plan (found through an index of the Tenant cache). */
  static InformerEventSource<TenantPlan, Tenant> plans(EventSourceContext<Tenant> context) {
    context.getPrimaryCache().addIndexer(PLAN_INDEX, tenant ->
        tenant.getSpec() == null || tenant.getSpec().getPlan() == null ? List.of() : List.of(tenant.getSpec().getPlan()));
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
  static InformerEventSource<Secret, Tenant> platformJwks(EventSourceContext<Tenant> context, String platformNamespace) {
    var config = InformerEventSourceConfiguration.from(Secret.class, Tenant.class)
        .withName(ConfigMapDependentResource.JWKS_EVENT_SOURCE)
        .withNamespaces(platformNamespace)
        .withGenericFilter(secret -> TenantryApi.JWKS_SECRET.equals(secret.getMetadata().getName()))
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache().list()
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) ->
            Set.of(new ResourceID(TenantryApi.JWKS_SECRET, platformNamespace)))
        .build();
    return new InformerEventSource<>(config, context);
  }
}
