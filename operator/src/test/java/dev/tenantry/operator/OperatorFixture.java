package dev.tenantry.operator;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.RuntimePods;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.OperatorServiceAccount;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Shared set-up of operator tests on the real API server: platform namespace, JWKS, waits. */
public final class OperatorFixture {
  public static final String PLATFORM_NAMESPACE = "tenantry-system";
  public static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"test\","
      + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

  private OperatorFixture() {}

  /** What the control API would have done: the platform namespace and a published JWKS. */
  public static void publishJwks(KubernetesClient client, String jwks) {
    if (client.namespaces().withName(PLATFORM_NAMESPACE).get() == null) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(PLATFORM_NAMESPACE)
          .endMetadata().build()).create();
    }
    client.resource(new SecretBuilder().withNewMetadata().withName(TenantryApi.JWKS_SECRET)
            .withNamespace(PLATFORM_NAMESPACE).endMetadata()
            .withData(Map.of(TenantryApi.JWKS_KEY, Base64.getEncoder().encodeToString(jwks.getBytes(StandardCharsets.UTF_8))))
            .build())
        .forceConflicts().serverSideApply();
  }

  /**
   * The operator's ServiceAccount bound to exactly {@code operator/rbac/operator-rbac.yaml}, and
   * a client acting as it: what the chart installs, for tests that run the operator in-process.
   */
  public static KubernetesClient asOperatorServiceAccount(KubeApiServer server, KubernetesClient admin) {
    return OperatorServiceAccount.bind(server, admin, PLATFORM_NAMESPACE);
  }

  public static OperatorConfig config() {
    return config(Map.of());
  }

  /** The tests' configuration with {@code overrides} (environment variable names) on top. */
  public static OperatorConfig config(Map<String, String> overrides) {
    Map<String, String> environment = new java.util.HashMap<>(Map.of(
        "TENANTRY_LEADER_ELECTION", "false",
        "TENANTRY_OPERATOR_PORT", "0",
        "HOSTNAME", "operator-under-test",
        "TENANTRY_WEBHOOK_PORT", "0",
        "TENANTRY_POSTGRES_URL", System.getProperty("tenantry.postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres"),
        "TENANTRY_POSTGRES_USER", System.getProperty("tenantry.postgres.user", "postgres")));
    environment.putAll(overrides);
    return OperatorConfig.fromEnvironment(environment);
  }

  /** The operator's Prometheus text at {@code port}. */
  public static String metrics(int port) throws java.io.IOException, InterruptedException {
    return java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The sum of every series whose line starts with {@code prefix} (a name and its opening brace). */
  public static long sum(String metrics, String prefix) {
    return (long) metrics.lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Reconciles that ended in an error, by JOSDK's own count. */
  public static long reconcileFailures(TenantryOperator operator) throws java.io.IOException, InterruptedException {
    return sum(metrics(operator.httpPort()), "operator_sdk_reconciliations_failed_total");
  }

  public static ConditionFactory await() {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
  }

  public static Tenant waitFor(KubernetesClient client, String tenant, Predicate<Tenant> condition) {
    return await().until(() -> client.resources(Tenant.class).withName(tenant).get(), t -> t != null && condition.test(t));
  }

  public static Optional<String> condition(Tenant tenant, String type) {
    return Optional.ofNullable(tenant.getStatus()).flatMap(s -> s.condition(type)).map(c -> c.getStatus());
  }

  /** No kubelet runs pods here: mark the runtime's pods ready as the Deployment controller would. */
  public static void markRuntimeReady(KubernetesClient client, String tenant) {
    RuntimePods.reportReady(client, tenant);
  }
}
