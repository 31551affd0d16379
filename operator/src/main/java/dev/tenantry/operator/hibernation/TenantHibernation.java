package dev.tenantry.operator.hibernation;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantStatus;
import dev.tenantry.operator.tenant.model.ActivatorRoute;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hibernation's part in a Tenant's reconcile, plugged in by the Tenant's reconciler: whether the
 * runtime sleeps now, where the activator holds its calls meanwhile, and the activator's pods as
 * an event source (they moving re-points every held tenant's Endpoints).
 */
public final class TenantHibernation {
  public static final String ACTIVATOR_EVENT_SOURCE = "activator";

  private final String platformNamespace;
  private final Clock clock;
  private final HibernationPlanner.RuntimeActivity runtimeActivity;

  public TenantHibernation(String platformNamespace, Clock clock, HibernationPlanner.RuntimeActivity runtimeActivity) {
    this.platformNamespace = platformNamespace;
    this.clock = clock;
    this.runtimeActivity = runtimeActivity;
  }

  /**
   * Whether the runtime sleeps now; asks the runtime for its last call only when the idle
   * deadline the status shows has passed.
   *
   * @param answering whether the runtime is rolled out and answering
   */
  public HibernationDecision decide(Tenant tenant, TenantPlan plan, boolean answering) {
    return HibernationPlanner.decide(tenant, HibernationPlanner.effective(tenant, plan), clock.instant(), answering,
        runtimeActivity);
  }

  /** Where the activator takes the tenant's calls while {@code sleep} holds them; empty when no activator pod is ready. */
  public Optional<ActivatorRoute> callsHeldBy(HibernationDecision sleep, Context<Tenant> context) {
    return sleep.holdsCalls()
        ? context.getSecondaryResource(Endpoints.class, ACTIVATOR_EVENT_SOURCE).flatMap(ActivatorRoute::of)
        : Optional.empty();
  }

  /** The activator's Endpoints: a change re-reconciles every tenant whose calls it may hold. */
  public InformerEventSource<Endpoints, Tenant> activatorEventSource(EventSourceContext<Tenant> context) {
    var config = InformerEventSourceConfiguration.from(Endpoints.class, Tenant.class)
        .withName(ACTIVATOR_EVENT_SOURCE)
        .withNamespaces(platformNamespace)
        .withGenericFilter(endpoints -> TenantryApi.ACTIVATOR_SERVICE.equals(endpoints.getMetadata().getName()))
        .withSecondaryToPrimaryMapper(endpoints -> context.getPrimaryCache().list()
            .filter(TenantHibernation::callsMayBeHeld)
            .map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .withPrimaryToSecondaryMapper((Tenant tenant) ->
            Set.of(new ResourceID(TenantryApi.ACTIVATOR_SERVICE, platformNamespace)))
        .build();
    return new InformerEventSource<>(config, context);
  }

  /** A tenant that sleeps or wakes, by its last status: the activator may hold its calls. */
  private static boolean callsMayBeHeld(Tenant tenant) {
    TenantStatus status = tenant.getStatus();
    return status != null
        && (status.getPhase() == Phase.Hibernated || HibernationPlanner.waking(status.getHibernation()));
  }
}
