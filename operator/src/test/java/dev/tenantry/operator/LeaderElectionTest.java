package dev.tenantry.operator;

import static dev.tenantry.operator.OperatorFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two operator replicas with leader election: one reconciles, the other takes over when it stops. */
@WithKubeApiServer
class LeaderElectionTest {

  @Test
  void onlyTheLeaderReconcilesAndTheStandbyTakesOver(KubernetesClient client) throws Exception {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    OperatorConfig base = OperatorConfig.fromEnvironment(Map.of("TENANTRY_LEASE_DURATION_SECONDS", "4",
        "TENANTRY_WEBHOOK_PORT", "0"));
    TenantryOperator first = TenantryOperator.start(base.withInstance("replica-a", 0, true), client, Clock.systemUTC());
    TenantryOperator second = TenantryOperator.start(base.withInstance("replica-b", 0, true), client, Clock.systemUTC());
    try {
      String leader = await().until(() -> {
        var lease = client.leases().inNamespace("tenantry-system").withName("tenantry-operator").get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
      }, holder -> holder != null);
      TenantryOperator leading = leader.equals("replica-a") ? first : second;
      TenantryOperator standby = leading == first ? second : first;

      client.resource(Tenant.onPlan("lead-one", "free")).create();
      OperatorFixture.waitFor(client, "lead-one", t -> t.getStatus() != null && t.getStatus().getProvisioning() != null
          && t.getStatus().getProvisioning().getCompletedSteps() == 4);
      // the reconcile timer records when a reconcile returns, just after its last status write
      await().untilAsserted(() -> assertThat(reconciles(leading)).as("leader reconciled").isPositive());
      assertThat(reconciles(standby)).as("standby reconciled nothing").isZero();
      // both replicas answer their probes: a standby is a healthy pod
      assertThat(status(leading, "/healthz")).isEqualTo(200);
      assertThat(status(standby, "/healthz")).isEqualTo(200);

      leading.close();
      client.resource(Tenant.onPlan("lead-two", "free")).create();
      OperatorFixture.waitFor(client, "lead-two", t -> t.getStatus() != null && t.getStatus().getProvisioning() != null
          && t.getStatus().getProvisioning().getCompletedSteps() == 4);
      await().untilAsserted(() -> assertThat(reconciles(standby)).as("the standby took over").isPositive());
    } finally {
      first.close();
      second.close();
    }
  }

  /** Reconciles the replica counted, read from its own Prometheus endpoint. */
  private static double reconciles(TenantryOperator operator) throws IOException, InterruptedException {
    String metrics = get(operator, "/metrics").body();
    return metrics.lines()
        .filter(line -> line.startsWith("tenantry_tenant_reconcile_seconds_count"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static int status(TenantryOperator operator, String path) throws IOException, InterruptedException {
    return get(operator, path).statusCode();
  }

  private static HttpResponse<String> get(TenantryOperator operator, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
