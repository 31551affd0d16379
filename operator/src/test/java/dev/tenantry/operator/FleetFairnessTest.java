package dev.tenantry.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A tenant created while a backlog of others is still being provisioned waits for the work that
 * was there before it and nothing else: no tenant created after it is provisioned first, and
 * none of its reconciles fails. One reconcile thread makes the order exact; compared are orders
 * and counts, never seconds.
 */
@WithKubeApiServer
class FleetFairnessTest {

  private static final int BACKLOG = 200;
  private static final int AFTER = 20;

  @Test
  void aTenantCreatedDuringABacklogIsOvertakenByNothingThatCameLater(KubernetesClient client) throws Exception {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    List<String> provisionedInOrder = new CopyOnWriteArrayList<>();
    Set<String> provisioned = ConcurrentHashMap.newKeySet();
    var informer = client.resources(Tenant.class).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Tenant tenant) {
        record(tenant);
      }

      @Override
      public void onUpdate(Tenant before, Tenant after) {
        record(after);
      }

      @Override
      public void onDelete(Tenant tenant, boolean unknown) { }

      private void record(Tenant tenant) {
        // every dependent created and the status written: the runtime step waits for pods
        boolean done = tenant.getStatus() != null && tenant.getStatus().condition("RuntimeReady")
            .map(c -> "WaitingForPods".equals(c.getReason())).orElse(false);
        if (done && provisioned.add(tenant.getMetadata().getName())) {
          provisionedInOrder.add(tenant.getMetadata().getName());
        }
      }
    });
    try (TenantryOperator operator = TenantryOperator.start(
        OperatorFixture.config(Map.of("TENANTRY_RECONCILE_THREADS", "1")), client, Clock.systemUTC())) {
      List<String> backlog = IntStream.range(0, BACKLOG).mapToObj(i -> "backlog-" + i).toList();
      List<String> after = IntStream.range(0, AFTER).mapToObj(i -> "after-" + i).toList();
      backlog.forEach(name -> client.resource(Tenant.onPlan(name, "free")).create());
      // created once the operator is busy with the backlog, then more behind it
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !provisionedInOrder.isEmpty());
      int provisionedBeforeLate = provisionedInOrder.size();
      client.resource(Tenant.onPlan("late", "free")).create();
      after.forEach(name -> client.resource(Tenant.onPlan(name, "free")).create());

      Awaitility.await().atMost(Duration.ofMinutes(4))
          .until(() -> provisioned.size() == BACKLOG + 1 + AFTER);
      int late = provisionedInOrder.indexOf("late");
      assertThat(provisionedBeforeLate).as("the backlog was still being worked on").isLessThan(BACKLOG);
      assertThat(provisionedInOrder.subList(0, late)).as("provisioned before the late tenant")
          .noneMatch(name -> name.startsWith("after-"));
      List<String> tail = new ArrayList<>(provisionedInOrder.subList(late + 1, provisionedInOrder.size()));
      assertThat(tail).as("provisioned after it").containsAll(after);
      assertThat(OperatorFixture.reconcileFailures(operator)).as("failed reconciles").isZero();
    } finally {
      informer.close();
    }
  }
}
