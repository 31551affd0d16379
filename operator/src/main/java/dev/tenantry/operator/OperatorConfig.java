package dev.tenantry.operator;

import java.util.Map;
import java.util.Optional;

/** The operator's settings, read once from environment variables at start. */
public record OperatorConfig(
    String platformNamespace,
    int httpPort,
    String ingressNamespace,
    boolean leaderElection,
    Optional<String> postgresAdminSecret) {

  public static final String DEFAULT_NAMESPACE = "tenantry-system";

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    return new OperatorConfig(
        env.getOrDefault("TENANTRY_NAMESPACE", DEFAULT_NAMESPACE),
        port(env.getOrDefault("TENANTRY_OPERATOR_PORT", "8095")),
        env.getOrDefault("TENANTRY_INGRESS_NAMESPACE", "ingress-nginx"),
        Boolean.parseBoolean(env.getOrDefault("TENANTRY_LEADER_ELECTION", "true")),
        Optional.ofNullable(env.get("TENANTRY_POSTGRES_SECRET")).filter(s -> !s.isBlank()));
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("TENANTRY_OPERATOR_PORT out of range: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("TENANTRY_OPERATOR_PORT is not a number: " + value, e);
    }
  }
}
