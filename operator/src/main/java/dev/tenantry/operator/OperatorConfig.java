package dev.tenantry.operator;

import dev.tenantry.operator.database.PostgresAdmin;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The operator's settings, read once from environment variables at start.
 *
 * @param instanceId this replica's identity in leader election (the pod name in a cluster)
 * @param leaseDuration how long a leader's lease lasts without renewal; a standby takes over
 *     at most this long after the leader dies
 */
public record OperatorConfig(
    String platformNamespace,
    int httpPort,
    String ingressNamespace,
    boolean leaderElection,
    String instanceId,
    int reconcileThreads,
    Duration leaseDuration,
    Optional<PostgresAdmin> postgres) {

  public static final String DEFAULT_NAMESPACE = "tenantry-system";

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return new OperatorConfig(
        env.getOrDefault("TENANTRY_NAMESPACE", DEFAULT_NAMESPACE),
        integer(env, "TENANTRY_OPERATOR_PORT", "8095", 0, 65535),
        env.getOrDefault("TENANTRY_INGRESS_NAMESPACE", "ingress-nginx"),
        Boolean.parseBoolean(env.getOrDefault("TENANTRY_LEADER_ELECTION", "true")),
        Optional.ofNullable(env.get("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> "operator-" + UUID.randomUUID()),
        integer(env, "TENANTRY_RECONCILE_THREADS", "10", 1, 200),
        Duration.ofSeconds(integer(env, "TENANTRY_LEASE_DURATION_SECONDS", "15", 2, 300)),
        PostgresAdmin.fromEnvironment(env));
  }

  /** The same settings with another identity, HTTP port and leader election switch (tests run several). */
  public OperatorConfig withInstance(String id, int port, boolean election) {
    return new OperatorConfig(platformNamespace, port, ingressNamespace, election, id, reconcileThreads, leaseDuration,
        postgres);
  }

  private static int integer(Map<String, String> env, String name, String fallback, int min, int max) {
    String value = env.getOrDefault(name, fallback);
    try {
      int number = Integer.parseInt(value.trim());
      if (number < min || number > max) {
        throw new IllegalArgumentException(name + " out of range " + min + ".." + max + ": " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a number: " + value, e);
    }
  }
}
