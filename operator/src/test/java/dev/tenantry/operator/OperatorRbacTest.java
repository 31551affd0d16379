package dev.tenantry.operator;

import static dev.tenantry.operator.OperatorFixture.await;
import static dev.tenantry.operator.OperatorFixture.markRuntimeReady;
import static dev.tenantry.operator.OperatorFixture.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.StorageType;
import dev.tenantry.crds.tenant.IngressSpec;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.StorageSpec;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole flow run by the operator as its ServiceAccount, bound only to the ClusterRole and
 * Role of {@code operator/rbac/operator-rbac.yaml}: proves those permissions are enough.
 */
@WithKubeApiServer
class OperatorRbacTest {

  @Test
  void theOperatorsOwnRbacIsEnoughForTheWholeFlow(KubeApiServer server, KubernetesClient admin) throws Exception {
    TenantryCrds.installExamplePlans(admin);
    OperatorFixture.publishJwks(admin, OperatorFixture.JWKS);
    KubernetesClient asOperator = OperatorFixture.asOperatorServiceAccount(server, admin);
    OperatorConfig config = OperatorFixture.config().withInstance("rbac-operator", 0, true);
    try (TenantryOperator operator = TenantryOperator.start(config, asOperator, Clock.systemUTC())) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("rbac").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("enterprise");
      spec.setOwners(List.of(new Owner(Owner.Kind.User, "owner@rbac.example")));
      spec.setIngress(new IngressSpec("rbac.example.com"));
      spec.setStorage(new StorageSpec(StorageType.Postgres));
      tenant.setSpec(spec);
      admin.resource(tenant).create();

      markRuntimeReady(admin, "rbac");
      waitFor(admin, "rbac", t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready);
      assertThat(admin.rbac().roleBindings().inNamespace("tenant-rbac").withName("tenant-owners").get()).isNotNull();
      if (admin.supports(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)) {
        assertThat(admin.policy().v1().podDisruptionBudget().inNamespace("tenant-rbac").withName("runtime").get())
            .isNotNull();
      }

      admin.resources(Tenant.class).withName("rbac").delete();
      await().until(() -> admin.resources(Tenant.class).withName("rbac").get() == null);
    } finally {
      asOperator.close();
    }
  }
}
