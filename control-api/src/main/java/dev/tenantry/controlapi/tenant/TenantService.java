package dev.tenantry.controlapi.tenant;

import dev.tenantry.controlapi.ControlApiSettings;
import dev.tenantry.controlapi.audit.AuditLog;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.controlapi.kubernetes.KubernetesConfiguration;
import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.plan.RuntimeDefaults;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.DeletionPolicy;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reads tenants, plans and events from the informer caches, and writes Tenant resources after
 * checking everything the API server cannot: name rules, that the plan exists, that no other
 * tenant uses the ingress host. A refused request writes nothing. It never provisions: the
 * operator does.
 */
@Service
public class TenantService {
  public static final Set<String> TENANT_ROLES = Set.of("tenant-admin", "member", "viewer");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final SharedIndexInformer<Tenant> tenants;
  private final SharedIndexInformer<TenantPlan> plans;
  private final SharedIndexInformer<Event> events;
  private final AuditLog audit;
  private final PlatformKeys keys;
  private final ControlApiSettings settings;
  private final Tracer tracer;

  private final java.time.Clock clock = java.time.Clock.systemUTC();

  public TenantService(KubernetesClient client, SharedIndexInformer<Tenant> tenants,
      SharedIndexInformer<TenantPlan> plans, SharedIndexInformer<Event> events, AuditLog audit, PlatformKeys keys,
      ControlApiSettings settings, Tracer tracer) {
    this.client = client;
    this.tenants = tenants;
    this.plans = plans;
    this.events = events;
    this.audit = audit;
    this.keys = keys;
    this.settings = settings;
    this.tracer = tracer;
  }

  /** A recent Kubernetes Event of a tenant. */
  public record EventView(String type, String reason, String message, String time, String source) {}

  /** A plan as the console offers it. */
  public record PlanView(String name, String description, String storageType, Integer replicas, String cpu,
      String memory) {}

  /** A page of tenants in name order; {@code nextCursor} is null on the last page. */
  public record TenantPage(List<TenantView> items, String nextCursor, int totalCount) {}

  // ------------------------------------------------------------------------------------ reads

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

  // ------------------------------------------------------------------------------------ writes

  /**
   * Creates the Tenant inside a span of its own, child of the caller's trace (a {@code traceparent}
   * header continues it), and stores that span's W3C context on the Tenant so the operator's
   * reconcile spans join the same trace.
   */
  public Mono<TenantView> create(String actor, TenantRequests.CreateTenant input) {
    return Mono.fromCallable(() -> {
      Span span = tracer.nextSpan().name("tenant create").tag("tenantry.tenant", String.valueOf(input.name())).start();
      try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
        Tenant tenant = validNewTenant(input);
        tenant.getMetadata().setAnnotations(Map.of(TenantryApi.TRACEPARENT_ANNOTATION, traceparent(span)));
        Tenant created = write(() -> client.resource(tenant).create());
        audit.record(actor, "TenantCreated", input.name(), "succeeded", "tenant created on plan " + input.plan());
        return TenantView.of(created);
      } catch (RuntimeException e) {
        span.error(e);
        throw e;
      } finally {
        span.end();
      }
    }).subscribeOn(Schedulers.boundedElastic())
        .doOnError(TenantException.class, e -> audit.record(actor, "TenantCreated",
            String.valueOf(input.name()), "refused", e.getMessage()));
  }

  public Mono<TenantView> update(String actor, String name, TenantRequests.UpdateTenant input) {
    return change(actor, name, "TenantUpdated", "spec updated", tenant -> {
      TenantSpec spec = tenant.getSpec();
      if (input.displayName() != null) {
        spec.setDisplayName(displayName(input.displayName()));
      }
      if (input.plan() != null) {
        spec.setPlan(existingPlan(input.plan()));
      }
      if (input.owners() != null) {
        spec.setOwners(owners(input.owners()));
      }
      if (input.ingressHost() != null) {
        spec.setIngress(input.ingressHost().isBlank() ? null : new IngressSpec(freeIngressHost(input.ingressHost(), name)));
      }
      if (input.replicas() != null) {
        overrideReplicas(spec, input.replicas());
      }
      if (input.deletionPolicy() != null) {
        spec.setDeletionPolicy(deletionPolicy(input.deletionPolicy()));
      }
      return tenant;
    });
  }

  public Mono<TenantView> suspend(String actor, String name) {
    return change(actor, name, "TenantSuspended", "runtime scaled to zero, data kept", tenant -> {
      tenant.getSpec().setSuspended(true);
      return tenant;
    });
  }

  public Mono<TenantView> resume(String actor, String name) {
    return change(actor, name, "TenantResumed", "runtime brought back", tenant -> {
      tenant.getSpec().setSuspended(false);
      // a resume is also a wake: an older hibernate request must not put it straight back to sleep
      annotate(tenant, wakeRequest());
      return tenant;
    });
  }

  /** Asks the operator to wake a hibernated tenant now; its runtime starts and the tenant turns Ready. */
  public Mono<TenantView> wake(String actor, String name) {
    return hibernationRequest(actor, name, "TenantWakeRequested", "wake requested", wakeRequest());
  }

  private Map<String, String> wakeRequest() {
    return Map.of(TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, clock.instant().toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, TenantryApi.WAKE_BY_ADMIN);
  }

  /** Asks the operator to hibernate a tenant now, whatever its traffic; its next call or a wake brings it back. */
  public Mono<TenantView> hibernate(String actor, String name) {
    return hibernationRequest(actor, name, "TenantHibernateRequested", "hibernation requested", Map.of(
        TenantryApi.HIBERNATE_REQUESTED_AT_ANNOTATION, clock.instant().toString()));
  }

  private Mono<TenantView> hibernationRequest(String actor, String name, String action, String detail,
      Map<String, String> annotations) {
    // checked on the object the edit reads, not the cache: a suspend a moment ago counts
    return change(actor, name, action, detail, tenant -> {
      if (tenant.getSpec().isSuspendedRequested()) {
        // suspended means an admin stopped it: only resume starts it again
        throw new TenantException.Conflict("name", "tenant '" + name + "' is suspended: resume it instead");
      }
      annotate(tenant, annotations);
      return tenant;
    });
  }

  private static void annotate(Tenant tenant, Map<String, String> annotations) {
    if (tenant.getMetadata().getAnnotations() == null) {
      tenant.getMetadata().setAnnotations(new java.util.HashMap<>());
    }
    tenant.getMetadata().getAnnotations().putAll(annotations);
  }

  public Mono<TenantView> delete(String actor, String name) {
    return Mono.fromCallable(() -> {
      TenantView current = get(name);
      write(() -> client.resources(Tenant.class).withName(name).delete());
      audit.record(actor, "TenantDeleted", name, "succeeded",
          "deletion requested; data policy " + current.deletionPolicy());
      return current;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** A token the tenant's runtime accepts, signed by the platform key. */
  public String issueTenantToken(String actor, String tenant, String subject, List<String> roles, String ttl) {
    get(tenant);
    if (subject == null || subject.isBlank() || subject.length() > 255) {
      throw new TenantException.Invalid("subject", "must be 1 to 255 characters");
    }
    if (roles == null || roles.isEmpty() || !TENANT_ROLES.containsAll(roles)) {
      throw new TenantException.Invalid("roles", "must be some of " + TENANT_ROLES);
    }
    Duration lifetime = duration(ttl);
    String token = keys.tenantToken(tenant, subject, roles, lifetime);
    audit.record(actor, "TenantTokenIssued", tenant, "succeeded",
        "token for " + subject + " with roles " + roles + " valid " + lifetime);
    return token;
  }

  private Mono<TenantView> change(String actor, String name, String action, String detail, UnaryOperator<Tenant> edit) {
    return Mono.fromCallable(() -> {
      TenantView current = get(name);
      if (current.deleting()) {
        throw new TenantException.Conflict("name", "tenant '" + name + "' is being deleted");
      }
      Tenant updated = write(() -> client.resources(Tenant.class).withName(name).edit(edit));
      audit.record(actor, action, name, "succeeded", detail);
      return TenantView.of(updated);
    }).subscribeOn(Schedulers.boundedElastic());
  }

  // ------------------------------------------------------------------------------------ checks

  private Tenant validNewTenant(TenantRequests.CreateTenant input) {
    String name = input.name();
    if (name == null || !TenantryApi.isValidTenantName(name)) {
      throw new TenantException.Invalid("name", "must be a DNS label (lower case letters, digits and '-', starting"
          + " and ending with a letter or digit) of at most " + TenantryApi.MAX_TENANT_NAME_LENGTH + " characters");
    }
    if (tenants.getStore().getByKey(name) != null) {
      throw new TenantException.Conflict("name", "tenant '" + name + "' already exists");
    }
    TenantSpec spec = new TenantSpec();
    spec.setPlan(existingPlan(input.plan()));
    spec.setDisplayName(input.displayName() == null ? null : displayName(input.displayName()));
    spec.setOwners(owners(input.owners()));
    if (input.ingressHost() != null && !input.ingressHost().isBlank()) {
      spec.setIngress(new IngressSpec(freeIngressHost(input.ingressHost(), name)));
    }
    if (input.storageType() != null && !input.storageType().isBlank()) {
      try {
        spec.setStorage(new StorageSpec(StorageType.valueOf(input.storageType())));
      } catch (IllegalArgumentException e) {
        throw new TenantException.Invalid("storageType", "must be Embedded or Postgres");
      }
    }
    if (input.deletionPolicy() != null) {
      spec.setDeletionPolicy(deletionPolicy(input.deletionPolicy()));
    }
    if (input.replicas() != null) {
      overrideReplicas(spec, input.replicas());
    }
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    tenant.setSpec(spec);
    return tenant;
  }

  private static void overrideReplicas(TenantSpec spec, int replicas) {
    if (replicas < 0 || replicas > 20) {
      throw new TenantException.Invalid("replicas", "must be between 0 and 20");
    }
    RuntimeOverrides runtime = spec.getRuntime() == null ? new RuntimeOverrides() : spec.getRuntime();
    runtime.setReplicas(replicas);
    spec.setRuntime(runtime);
  }

  private String existingPlan(String plan) {
    if (plan == null || plan.isBlank()) {
      throw new TenantException.Invalid("plan", "is required");
    }
    if (plans.getStore().getByKey(plan) == null) {
      throw new TenantException.Invalid("plan", "no TenantPlan '" + plan + "'; plans: "
          + plans.getStore().listKeys().stream().sorted().toList());
    }
    return plan;
  }

  private static String displayName(String value) {
    if (value.length() > 100) {
      throw new TenantException.Invalid("displayName", "must be at most 100 characters");
    }
    return value;
  }

  private String freeIngressHost(String host, String tenant) {
    if (host.length() > 253 || !host.matches(TenantryApi.DNS_SUBDOMAIN_PATTERN)) {
      throw new TenantException.Invalid("ingressHost", "'" + host + "' is not a DNS name (RFC 1123 subdomain)");
    }
    List<String> users = tenants.getIndexer().byIndex(KubernetesConfiguration.BY_INGRESS_HOST, host).stream()
        .map(t -> t.getMetadata().getName()).filter(n -> !n.equals(tenant)).toList();
    if (!users.isEmpty()) {
      throw new TenantException.Invalid("ingressHost", "'" + host + "' is already used by tenant '" + users.get(0) + "'");
    }
    return host;
  }

  private static List<Owner> owners(List<TenantRequests.OwnerInput> input) {
    if (input == null) {
      return new ArrayList<>();
    }
    List<Owner> owners = new ArrayList<>();
    for (TenantRequests.OwnerInput owner : input) {
      Owner.Kind kind;
      try {
        kind = Owner.Kind.valueOf(String.valueOf(owner.kind()));
      } catch (IllegalArgumentException e) {
        throw new TenantException.Invalid("owners", "kind must be User or Group, not '" + owner.kind() + "'");
      }
      if (owner.name() == null || owner.name().isBlank() || owner.name().length() > 253) {
        throw new TenantException.Invalid("owners", "each owner needs a name of 1 to 253 characters");
      }
      owners.add(new Owner(kind, owner.name()));
    }
    return owners;
  }

  private static DeletionPolicy deletionPolicy(String value) {
    try {
      return DeletionPolicy.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new TenantException.Invalid("deletionPolicy", "must be Delete or Retain");
    }
  }

  private Duration duration(String ttl) {
    Duration lifetime;
    try {
      lifetime = ttl == null || ttl.isBlank() ? Duration.ofHours(1) : Duration.parse(ttl.startsWith("P") ? ttl : "PT" + ttl);
    } catch (DateTimeParseException e) {
      throw new TenantException.Invalid("ttl", "must be a duration like 1h, 30m or P7D");
    }
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(settings.maxTenantTokenTtl()) > 0) {
      throw new TenantException.Invalid("ttl", "must be positive and at most " + settings.maxTenantTokenTtl());
    }
    return lifetime;
  }

  private static <T> T write(java.util.concurrent.Callable<T> call) throws Exception {
    return TenantException.translating("tenant", call);
  }

  /** The span's context as a W3C traceparent; a fresh random one when tracing is off (no-op spans). */
  static String traceparent(Span span) {
    String traceId = span.context().traceId();
    String spanId = span.context().spanId();
    if (traceId == null || traceId.isBlank() || spanId == null || spanId.isBlank()) {
      byte[] trace = new byte[16];
      byte[] parent = new byte[8];
      RANDOM.nextBytes(trace);
      RANDOM.nextBytes(parent);
      return "00-" + HexFormat.of().formatHex(trace) + "-" + HexFormat.of().formatHex(parent) + "-01";
    }
    return "00-" + traceId + "-" + spanId + "-" + (Boolean.FALSE.equals(span.context().sampled()) ? "00" : "01");
  }
}
