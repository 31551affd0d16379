package dev.tenantry.operator.tenant;

import dev.tenantry.crds.tenant.Phase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tenants by phase and reconcile durations, for the operator's Prometheus endpoint. */
public final class TenantMetrics {
  private final Map<String, Phase> phases = new ConcurrentHashMap<>();
  private final Timer reconcileTimer;

  public TenantMetrics(MeterRegistry registry) {
    for (Phase phase : Phase.values()) {
      Gauge.builder("tenantry_tenants", phases, map -> map.values().stream().filter(p -> p == phase).count())
          .description("Tenants by phase")
          .tag("phase", phase.name())
          .register(registry);
    }
    reconcileTimer = Timer.builder("tenantry_tenant_reconcile")
        .description("Time to reconcile one Tenant")
        .publishPercentileHistogram()
        .register(registry);
  }

  public void phase(String tenant, Phase phase) {
    if (phase != null) {
      phases.put(tenant, phase);
    }
  }

  public void forget(String tenant) {
    phases.remove(tenant);
  }

  public void reconciled(Duration duration) {
    reconcileTimer.record(duration);
  }
}
