package dev.tenantry.activator;

import dev.tenantry.crds.TenantryApi;
import java.time.Duration;
import java.util.Map;

/**
 * The activator's configuration, from its environment.
 *
 * @param httpPort where held REST, GraphQL and WebSocket calls arrive (the runtime's HTTP port)
 * @param grpcPort where held gRPC calls arrive (the runtime's gRPC port, TLS passed through)
 * @param healthPort liveness and readiness ({@code /healthz}, {@code /readyz})
 * @param holdTimeout how long a call waits for its tenant to wake before it is refused
 * @param maxHeldPerTenant how many calls one tenant may have waiting; more are refused at once
 */
public record ActivatorSettings(int httpPort, int grpcPort, int healthPort, Duration holdTimeout, int maxHeldPerTenant) {

  public ActivatorSettings {
    if (holdTimeout.isNegative() || holdTimeout.isZero()) {
      throw new IllegalArgumentException("TENANTRY_ACTIVATOR_HOLD_TIMEOUT must be positive, was " + holdTimeout);
    }
    if (maxHeldPerTenant < 1) {
      throw new IllegalArgumentException("TENANTRY_ACTIVATOR_MAX_HELD must be at least 1, was " + maxHeldPerTenant);
    }
  }

  public static ActivatorSettings fromEnvironment(Map<String, String> env) {
    return new ActivatorSettings(
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_HTTP_PORT", String.valueOf(TenantryApi.RUNTIME_HTTP_PORT))),
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_GRPC_PORT", String.valueOf(TenantryApi.RUNTIME_GRPC_PORT))),
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_HEALTH_PORT", "8082")),
        Duration.parse(env.getOrDefault("TENANTRY_ACTIVATOR_HOLD_TIMEOUT", "PT30S")),
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_MAX_HELD", "200")));
  }

  /** The seconds a refused caller is told to wait before it tries again ({@code Retry-After}). */
  public long retryAfterSeconds() {
    return Math.max(1, holdTimeout.toSeconds() / 6);
  }
}
