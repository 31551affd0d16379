package dev.tenantry.activator.settings;

import dev.tenantry.crds.AddressRange;
import dev.tenantry.crds.TenantryApi;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The activator's configuration, from its environment.
 *
 * @param httpPort where held REST, GraphQL and WebSocket calls arrive (the runtime's HTTP port)
 * @param grpcPort where held gRPC calls arrive (the runtime's gRPC port, TLS passed through)
 * @param healthPort liveness and readiness ({@code /healthz}, {@code /readyz})
 * @param holdTimeout how long a call waits for its tenant to wake before it is refused
 * @param maxHeldPerTenant how many calls one tenant may have waiting; more are refused at once
 * @param maxHeldPerCaller how many of those one caller address may hold, so that one caller
 *     cannot take every place of a tenant
 * @param platformNamespace the platform's namespace, whose pods every tenant admits
 * @param ingressNamespace the ingress controller's namespace, whose pods every tenant admits
 * @param nodeSources addresses the node itself calls pods from beyond its Node addresses (its
 *     gateway on the pod network)
 */
public record ActivatorSettings(int httpPort, int grpcPort, int healthPort, Duration holdTimeout, int maxHeldPerTenant,
    int maxHeldPerCaller, String platformNamespace, String ingressNamespace, List<AddressRange> nodeSources) {

  public static final String DEFAULT_PLATFORM_NAMESPACE = "tenantry-system";
  public static final String DEFAULT_INGRESS_NAMESPACE = "ingress-nginx";

  public ActivatorSettings {
    if (holdTimeout.isNegative() || holdTimeout.isZero()) {
      throw new IllegalArgumentException("TENANTRY_ACTIVATOR_HOLD_TIMEOUT must be positive, was " + holdTimeout);
    }
    if (maxHeldPerTenant < 1) {
      throw new IllegalArgumentException("TENANTRY_ACTIVATOR_MAX_HELD must be at least 1, was " + maxHeldPerTenant);
    }
    if (maxHeldPerCaller < 1) {
      throw new IllegalArgumentException("TENANTRY_ACTIVATOR_MAX_HELD_PER_CALLER must be at least 1, was "
          + maxHeldPerCaller);
    }
    nodeSources = List.copyOf(nodeSources);
  }

  /** Settings with the default namespaces, no extra node sources and half a tenant's places per caller. */
  public ActivatorSettings(int httpPort, int grpcPort, int healthPort, Duration holdTimeout, int maxHeldPerTenant) {
    this(httpPort, grpcPort, healthPort, holdTimeout, maxHeldPerTenant, defaultPerCaller(maxHeldPerTenant),
        DEFAULT_PLATFORM_NAMESPACE, DEFAULT_INGRESS_NAMESPACE, List.of());
  }

  public static ActivatorSettings fromEnvironment(Map<String, String> env) {
    int maxHeld = Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_MAX_HELD", "200"));
    return new ActivatorSettings(
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_HTTP_PORT", String.valueOf(TenantryApi.RUNTIME_HTTP_PORT))),
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_GRPC_PORT", String.valueOf(TenantryApi.RUNTIME_GRPC_PORT))),
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_HEALTH_PORT", "8082")),
        Duration.parse(env.getOrDefault("TENANTRY_ACTIVATOR_HOLD_TIMEOUT", "PT30S")),
        maxHeld,
        Integer.parseInt(env.getOrDefault("TENANTRY_ACTIVATOR_MAX_HELD_PER_CALLER",
            String.valueOf(defaultPerCaller(maxHeld)))),
        env.getOrDefault("TENANTRY_NAMESPACE", DEFAULT_PLATFORM_NAMESPACE),
        env.getOrDefault("TENANTRY_INGRESS_NAMESPACE", DEFAULT_INGRESS_NAMESPACE),
        Arrays.stream(env.getOrDefault("TENANTRY_ACTIVATOR_NODE_SOURCES", "").split(","))
            .filter(s -> !s.isBlank()).map(AddressRange::parse).toList());
  }

  private static int defaultPerCaller(int maxHeldPerTenant) {
    return Math.max(1, maxHeldPerTenant / 2);
  }

  /** The seconds a refused caller is told to wait before it tries again ({@code Retry-After}). */
  public long retryAfterSeconds() {
    return Math.max(1, holdTimeout.toSeconds() / 6);
  }
}
