package dev.tenantry.operator;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.operator.tenant.dependent.ConfigMapDependentResource;
import dev.tenantry.testkit.RuntimePods;
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
    client.resource(new SecretBuilder().withNewMetadata().withName(ConfigMapDependentResource.JWKS_SECRET)
            .withNamespace(PLATFORM_NAMESPACE).endMetadata()
            .withData(Map.of("jwks.json", Base64.getEncoder().encodeToString(jwks.getBytes(StandardCharsets.UTF_8))))
            .build())
        .forceConflicts().serverSideApply();
  }

  public static OperatorConfig config() {
    return OperatorConfig.fromEnvironment(Map.of(
        "TENANTRY_LEADER_ELECTION", "false",
        "TENANTRY_OPERATOR_PORT", "0",
        "HOSTNAME", "operator-under-test",
        "TENANTRY_POSTGRES_URL", System.getProperty("tenantry.postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres"),
        "TENANTRY_POSTGRES_USER", System.getProperty("tenantry.postgres.user", "postgres")));
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
