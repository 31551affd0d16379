package dev.tenantry.operator;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.operator.admission.WebhookSettings;
import dev.tenantry.operator.backup.BackupSettings;
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
 * @param webhook the tenant-isolation admission webhooks every replica serves
 * @param backup where backups go and how long their steps may wait
 */
public record OperatorConfig(
    String platformNamespace,
    int httpPort,
    String ingressNamespace,
    boolean leaderElection,
    String instanceId,
    int reconcileThreads,
    Duration leaseDuration,
    Optional<PostgresAdmin> postgres,
    WebhookSettings webhook,
    BackupSettings backup) {

  public static final String DEFAULT_NAMESPACE = "tenantry-system";
  /** The operator's ServiceAccount as the chart names it. */
  public static final String DEFAULT_SERVICE_ACCOUNT = TenantryApi.OPERATOR;

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    String namespace = env.getOrDefault("TENANTRY_NAMESPACE", DEFAULT_NAMESPACE);
    return new OperatorConfig(
        namespace,
        integer(env, "TENANTRY_OPERATOR_PORT", "8095", 0, 65535),
        env.getOrDefault("TENANTRY_INGRESS_NAMESPACE", "ingress-nginx"),
        Boolean.parseBoolean(env.getOrDefault("TENANTRY_LEADER_ELECTION", "true")),
        Optional.ofNullable(env.get("HOSTNAME")).filter(h -> !h.isBlank())
            .orElseGet(() -> "operator-" + UUID.randomUUID()),
        integer(env, "TENANTRY_RECONCILE_THREADS", "10", 1, 200),
        Duration.ofSeconds(integer(env, "TENANTRY_LEASE_DURATION_SECONDS", "15", 2, 300)),
        PostgresAdmin.fromEnvironment(env),
        new WebhookSettings(
            Boolean.parseBoolean(env.getOrDefault("TENANTRY_WEBHOOK_ENABLED", "true")),
            env.getOrDefault("TENANTRY_WEBHOOK_BIND_ADDRESS", "0.0.0.0"),
            integer(env, "TENANTRY_WEBHOOK_PORT", "8443", 0, 65535),
            integer(env, "TENANTRY_WEBHOOK_THREADS", "8", 1, 64),
            WebhookSettings.namesOf(env.getOrDefault("TENANTRY_WEBHOOK_SERVICE", WebhookSettings.DEFAULT_SERVICE),
                namespace),
            env.getOrDefault("TENANTRY_WEBHOOK_CONFIGURATION", WebhookSettings.DEFAULT_CONFIGURATION),
            env.getOrDefault("TENANTRY_OPERATOR_IDENTITY",
                "system:serviceaccount:" + namespace + ":" + DEFAULT_SERVICE_ACCOUNT)),
        new BackupSettings(
            java.nio.file.Path.of(env.getOrDefault("TENANTRY_BACKUP_DIR", BackupSettings.DEFAULT_DIRECTORY)),
            BackupSettings.s3FromEnvironment(env),
            Duration.ofSeconds(integer(env, "TENANTRY_BACKUP_RUNTIME_TIMEOUT_SECONDS", "600", 1, 86_400)),
            Duration.ofSeconds(integer(env, "TENANTRY_BACKUP_TENANT_WAIT_SECONDS", "600", 1, 86_400))));
  }

  /** The same settings with another identity, HTTP port and leader election switch (tests run several). */
  public OperatorConfig withInstance(String id, int port, boolean election) {
    return new OperatorConfig(platformNamespace, port, ingressNamespace, election, id, reconcileThreads, leaseDuration,
        postgres, webhook, backup);
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
