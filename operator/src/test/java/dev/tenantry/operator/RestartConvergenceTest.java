package dev.tenantry.operator;

import static dev.tenantry.operator.OperatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator restarted: killed (SIGKILL) in the middle of provisioning a batch of tenants, it
 * converges every tenant with no duplicate and no orphaned object; restarted over settled
 * tenants, it reconciles each of them and writes nothing.
 */
@WithKubeApiServer
class RestartConvergenceTest {

  @Test
  void aKilledOperatorResumesAndEveryTenantConverges(KubeApiServer server, KubernetesClient client, @TempDir Path dir)
      throws Exception {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    Path kubeconfig = server.writeKubeConfig(dir.resolve("kubeconfig"));
    List<String> names = IntStream.range(0, 12).mapToObj(i -> "batch-" + i).toList();

    OperatorProcess process = OperatorProcess.start(kubeconfig, dir.resolve("operator.log"), Map.of());
    try {
      for (String name : names) {
        client.resource(Tenant.onPlan(name, "free")).create();
      }
      // kill it once some, but not all, tenants have their namespace
      await().atMost(Duration.ofSeconds(90)).until(() -> client.namespaces()
          .withLabel(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE).list().getItems().size() >= 1);
    } finally {
      process.kill();
    }
    long provisionedWhenKilled = names.stream().filter(n -> steps(client, n) == 4).count();

    try (TenantryOperator operator = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC())) {
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
          assertThat(names).allSatisfy(n -> assertThat(steps(client, n)).as(n).isEqualTo(4)));
      Set<String> tenantUids = new HashSet<>();
      client.resources(Tenant.class).list().getItems().forEach(t -> tenantUids.add(t.getMetadata().getUid()));
      for (String name : names) {
        String ns = TenantryApi.namespaceOf(name);
        List<HasMetadata> owned = new ArrayList<>();
        owned.add(client.namespaces().withName(ns).get());
        Stream.of(client.apps().deployments().inNamespace(ns).list().getItems(),
                client.secrets().inNamespace(ns).withLabel(TenantryApi.MANAGED_BY_LABEL).list().getItems(),
                client.configMaps().inNamespace(ns).withLabel(TenantryApi.MANAGED_BY_LABEL).list().getItems(),
                client.services().inNamespace(ns).list().getItems(),
                client.persistentVolumeClaims().inNamespace(ns).list().getItems(),
                client.network().v1().networkPolicies().inNamespace(ns).list().getItems())
            .forEach(owned::addAll);
        assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).as("one runtime in " + ns).hasSize(1);
        assertThat(owned).allSatisfy(object -> assertThat(object.getMetadata().getOwnerReferences())
            .as("%s/%s owned by a live tenant", ns, object.getMetadata().getName())
            .singleElement().satisfies(ref -> assertThat(tenantUids).contains(ref.getUid())));
      }
    }
    assertThat(provisionedWhenKilled).as("the kill happened mid-batch").isLessThan(names.size());
  }

  @Test
  void aRestartedOperatorWritesNothingForSettledTenants(KubeApiServer server, KubernetesClient client,
      @TempDir Path dir) throws Exception {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    List<String> names = IntStream.range(0, 20).mapToObj(i -> "settled-" + i).toList();
    try (TenantryOperator first = TenantryOperator.start(OperatorFixture.config(), client, Clock.systemUTC())) {
      names.forEach(name -> client.resource(Tenant.onPlan(name, "free")).create());
      names.forEach(name -> OperatorFixture.markRuntimeReady(client, name));
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(names)
          .allSatisfy(n -> assertThat(phase(client, n)).as(n).isEqualTo(Phase.Ready)));
    }

    try (OperatorProcess restarted = OperatorProcess.start(server.writeKubeConfig(dir.resolve("kubeconfig")),
        dir.resolve("operator.log"), Map.of())) {
      int tenants = client.resources(Tenant.class).list().getItems().size();
      // every tenant the cluster holds has been through a reconcile of the new process
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> tenantsReconciled(restarted.metrics()) == tenants);
      Awaitility.await("no write from the restarted operator").during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10)).until(() -> operatorWrites(restarted.metrics()) == 0);
      assertThat(names).allSatisfy(n -> assertThat(phase(client, n)).as(n).isEqualTo(Phase.Ready));
    }
  }

  private static Phase phase(KubernetesClient client, String name) {
    Tenant tenant = client.resources(Tenant.class).withName(name).get();
    return tenant == null || tenant.getStatus() == null ? null : tenant.getStatus().getPhase();
  }

  /** Tenants whose phase the operator has set since it started: each one reconciled at least once. */
  private static long tenantsReconciled(String metrics) {
    return OperatorFixture.sum(metrics, "tenantry_tenants{");
  }

  private static long operatorWrites(String metrics) {
    return OperatorFixture.sum(metrics, "tenantry_operator_api_writes_total{");
  }

  private static int steps(KubernetesClient client, String name) {
    Tenant tenant = client.resources(Tenant.class).withName(name).get();
    return tenant == null || tenant.getStatus() == null || tenant.getStatus().getProvisioning() == null ? 0
        : tenant.getStatus().getProvisioning().getCompletedSteps();
  }
}
