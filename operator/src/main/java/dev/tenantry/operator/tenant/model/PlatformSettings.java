package dev.tenantry.operator.tenant.model;

import java.util.Optional;

/**
 * Facts about the platform that shape every tenant's resources.
 *
 * @param postgresTenantHost the host tenant pods use to reach the platform
 *     PostgreSQL, when one is configured
 * @param podDisruptionBudgets whether the cluster serves {@code policy/v1}
 * @param operatorJwk the operator's public signing key (a JWK in JSON), which every tenant's
 *     JWKS carries beside the control API's keys
 */
public record PlatformSettings(
    String platformNamespace,
    String ingressNamespace,
    Optional<String> postgresTenantHost,
    int postgresTenantPort,
    boolean podDisruptionBudgets,
    String operatorJwk) {
}
