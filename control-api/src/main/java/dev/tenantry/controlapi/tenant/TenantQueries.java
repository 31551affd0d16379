package dev.tenantry.controlapi.tenant;

import dev.tenantry.crds.plan.RuntimeDefaults;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Reads tenants, plans and events from the informer caches: no call to the API server per request. */
@Service
public class TenantQueries {
  private final SharedIndexInformer<Tenant> tenants;
  private final SharedIndexInformer<TenantPlan> plans;
  private final SharedIndexInformer<Event> events;

  public TenantQueries(SharedIndexInformer<Tenant> tenants, SharedIndexInformer<TenantPlan> plans,
      SharedIndexInformer<Event> events) {
    this.tenants = tenants;
    this.plans = plans;
    this.events = events;
  }

  /** A recent Kubernetes Event of a tenant. */
  public record EventView(String type, String reason, String message, String time, String source) {}

  /** A plan as the console offers it. */
  public record PlanView(String name, String description, String storageType, Integer replicas, String cpu,
      String memory) {}

  /** A page of tenants in name order; {@code nextCursor} is null on the last page. */
  public record TenantPage(List<TenantView> items, String nextCursor, int totalCount) {}

  public TenantPage list(String phase, String plan, String search, int first, String after) {
    if (first < 0 || first > 500) {
      throw new TenantException.Invalid("first", "must be between 1 and 500");
    }
    int size = first == 0 ? 100 : first;
    String needle = search == null ? "" : search.toLowerCase(Locale.ROOT);
    List<TenantView> matching = tenants.getStore().list().stream()
        .map(TenantView::of)
        .filter(t -> phase == null || phase.isBlank() || phase.equalsIgnoreCase(t.phase()))
        .filter(t -> plan == null || plan.isBlank() || plan.equals(t.plan()))
        .filter(t -> needle.isEmpty() || t.name().contains(needle)
            || (t.displayName() != null && t.displayName().toLowerCase(Locale.ROOT).contains(needle)))
        .sorted(Comparator.comparing(TenantView::name))
        .toList();
    List<TenantView> page = matching.stream()
        .filter(t -> after == null || after.isBlank() || t.name().compareTo(after) > 0)
        .limit(size + 1L)
        .toList();
    boolean more = page.size() > size;
    List<TenantView> items = more ? page.subList(0, size) : page;
    return new TenantPage(items, more ? items.get(items.size() - 1).name() : null, matching.size());
  }

  /**
   * The fleet at a glance: how many tenants, how many run, sleep or are suspended, and the memory
   * their sleep gives back to the cluster, counted as the runtime memory requests (per replica, from
   * the tenant or its plan) of hibernated tenants: what the scheduler gets back. Working sets would
   * need a metrics API the platform does not assume.
   */
  public record FleetView(int tenants, int ready, int hibernated, int suspended, long memoryRequestsFreedBytes) {}

  public FleetView fleet() {
    int ready = 0;
    int hibernated = 0;
    int suspended = 0;
    long freed = 0;
    List<Tenant> all = tenants.getStore().list();
    for (Tenant tenant : all) {
      Phase phase = tenant.getStatus() == null ? null : tenant.getStatus().getPhase();
      if (phase == Phase.Ready) {
        ready++;
      } else if (phase == Phase.Hibernated) {
        hibernated++;
        freed += memoryRequested(tenant);
      } else if (phase == Phase.Suspended) {
        suspended++;
      }
    }
    return new FleetView(all.size(), ready, hibernated, suspended, freed);
  }

  /** The tenant's runtime memory request times its replicas, as the operator reads them; 0 where none is set. */
  private long memoryRequested(Tenant tenant) {
    RuntimeOverrides own = tenant.getSpec() == null ? null : tenant.getSpec().getRuntime();
    TenantPlan plan = tenant.getSpec() == null || tenant.getSpec().getPlan() == null ? null
        : plans.getStore().getByKey(tenant.getSpec().getPlan());
    RuntimeDefaults defaults = plan == null || plan.getSpec() == null || plan.getSpec().getRuntime() == null
        ? new RuntimeDefaults() : plan.getSpec().getRuntime();
    ResourceRequirements resources = defaults.resourcesFor(own);
    Quantity memory = resources.getRequests() == null ? null : resources.getRequests().get("memory");
    return memory == null ? 0 : Quantity.getAmountInBytes(memory).longValue() * defaults.replicasFor(own);
  }

  public Optional<TenantView> find(String name) {
    return Optional.ofNullable(tenants.getStore().getByKey(name)).map(TenantView::of);
  }

  public TenantView get(String name) {
    return find(name).orElseThrow(() -> new TenantException.NotFound(name));
  }

  public List<EventView> events(String name) {
    return events.getStore().list().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing((Event e) -> String.valueOf(e.getLastTimestamp())).reversed())
        .limit(20)
        .map(e -> new EventView(e.getType(), e.getReason(), e.getMessage(), e.getLastTimestamp(),
            e.getSource() == null ? null : e.getSource().getComponent()))
        .toList();
  }

  public List<PlanView> plans() {
    return plans.getStore().list().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .map(p -> new PlanView(p.getMetadata().getName(), p.getSpec().getDescription(),
            p.getSpec().getStorage() == null || p.getSpec().getStorage().getType() == null ? "Embedded"
                : p.getSpec().getStorage().getType().name(),
            p.getSpec().getRuntime().getReplicas(),
            p.getSpec().getQuota().getCpu().toString(), p.getSpec().getQuota().getMemory().toString()))
        .toList();
  }
}
