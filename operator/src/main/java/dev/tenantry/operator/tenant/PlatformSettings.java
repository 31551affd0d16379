package dev.tenantry.operator.tenant;

import java.util.Optional;

/**
 * Facts about the platform that shape every tenant's resources.
 *
 * @param postgresTenantEndpoint {@code host:port} tenant pods use to reach the platform
 *     PostgreSQL, when one is configured
 * @param podDisruptionBudgets whether the cluster serves {@code policy/v1}
 */
public record PlatformSettings(
    String platformNamespace,
    String ingressNamespace,
    Optional<String> postgresTenantHost,
    int postgresTenantPort,
    boolean podDisruptionBudgets) {

  public static final int HTTP_PORT = 8080;
  public static final int GRPC_PORT = 9090;
  public static final int MANAGEMENT_PORT = 8081;
}
