package dev.tenantry.controlapi.tenant;

import dev.tenantry.controlapi.audit.AuditLog;
import dev.tenantry.controlapi.keys.PlatformKeys;
import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes Tenant resources for an admin, once {@link TenantChecks} has passed the request, and
 * audits each write (refusals too). A refused request writes nothing. It never provisions: the
 * operator does.
 */
@Service
public class TenantCommands {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KubernetesClient client;
  private final TenantQueries queries;
  private final TenantChecks checks;
  private final AuditLog audit;
  private final PlatformKeys keys;
  private final Tracer tracer;
  private final Clock clock = Clock.systemUTC();

  public TenantCommands(KubernetesClient client, TenantQueries queries, TenantChecks checks, AuditLog audit,
      PlatformKeys keys, Tracer tracer) {
    this.client = client;
    this.queries = queries;
    this.checks = checks;
    this.audit = audit;
    this.keys = keys;
    this.tracer = tracer;
  }

  /**
   * Creates the Tenant inside a span of its own, child of the caller's trace (a {@code traceparent}
   * header continues it), and stores that span's W3C context on the Tenant so the operator's
   * reconcile spans join the same trace.
   */
  public Mono<TenantView> create(String actor, TenantRequests.CreateTenant input) {
    return Mono.fromCallable(() -> {
      Span span = tracer.nextSpan().name("tenant create").tag("tenantry.tenant", String.valueOf(input.name())).start();
      try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
        Tenant tenant = checks.newTenant(input);
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
      checks.update(name, tenant.getSpec(), input);
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
      tenant.getMetadata().setAnnotations(new HashMap<>());
    }
    tenant.getMetadata().getAnnotations().putAll(annotations);
  }

  public Mono<TenantView> delete(String actor, String name) {
    return Mono.fromCallable(() -> {
      TenantView current = queries.get(name);
      write(() -> client.resources(Tenant.class).withName(name).delete());
      audit.record(actor, "TenantDeleted", name, "succeeded",
          "deletion requested; data policy " + current.deletionPolicy());
      return current;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  /** A token the tenant's runtime accepts, signed by the platform key. */
  public String issueTenantToken(String actor, String tenant, String subject, List<String> roles, String ttl) {
    queries.get(tenant);
    TenantChecks.tokenClaims(subject, roles);
    Duration lifetime = checks.tokenLifetime(ttl);
    String token = keys.tenantToken(tenant, subject, roles, lifetime);
    audit.record(actor, "TenantTokenIssued", tenant, "succeeded",
        "token for " + subject + " with roles " + roles + " valid " + lifetime);
    return token;
  }

  private Mono<TenantView> change(String actor, String name, String action, String detail, UnaryOperator<Tenant> edit) {
    return Mono.fromCallable(() -> {
      TenantView current = queries.get(name);
      if (current.deleting()) {
        throw new TenantException.Conflict("name", "tenant '" + name + "' is being deleted");
      }
      Tenant updated = write(() -> client.resources(Tenant.class).withName(name).edit(edit));
      audit.record(actor, action, name, "succeeded", detail);
      return TenantView.of(updated);
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private static <T> T write(Callable<T> call) throws Exception {
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
