package dev.tenantry.operator;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the operator's own writes to the API server (every request but GET), by verb, so
 * "writes per tenant" and "no needless updates" can be read off {@code /metrics}.
 */
public final class ApiWriteCounter implements Interceptor {
  public static final String NAME = "tenantry-api-writes";
  private final Map<String, AtomicLong> byVerb = new ConcurrentHashMap<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String verb = request.method();
    if (!"GET".equalsIgnoreCase(verb)) {
      byVerb.computeIfAbsent(verb.toUpperCase(java.util.Locale.ROOT), v -> new AtomicLong()).incrementAndGet();
      if (registry != null) {
        registry.counter("tenantry.operator.api.writes.by.resource", "verb", verb, "resource",
            resource(request.uri().getPath())).increment();
      }
    }
  }

  /** The resource (and subresource) a request path addresses, e.g. {@code tenants/status}. */
  static String resource(String path) {
    String[] parts = path.replaceFirst("^/(api/v1|apis/[^/]+/[^/]+)/?", "").split("/");
    int i = parts.length > 2 && "namespaces".equals(parts[0]) ? 2 : 0;
    if (i >= parts.length || parts[i].isEmpty()) {
      return "namespaces";
    }
    return parts.length > i + 2 ? parts[i] + "/" + parts[i + 2] : parts[i];
  }

  private volatile MeterRegistry registry;

  /** Exposes the counts as {@code tenantry_operator_api_writes_total{verb}}. */
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
    for (String verb : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
      AtomicLong count = byVerb.computeIfAbsent(verb, v -> new AtomicLong());
      FunctionCounter.builder("tenantry.operator.api.writes", count, AtomicLong::get)
          .description("Requests that change something, sent by the operator to the API server")
          .tag("verb", verb)
          .register(registry);
    }
  }
}
