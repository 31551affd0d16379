package dev.tenantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local control plane the README's main command uses ({@code scripts/cluster.sh}), started
 * on free ports in a state directory of its own: RBAC on, CRDs and plans installed, data kept
 * across a restart, nothing left running after stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalControlPlaneTest {

  Path state;
  LocalCluster cluster;

  @BeforeAll
  void start(@TempDir Path state) {
    this.state = state;
    cluster = LocalCluster.start(state);
  }

  @AfterAll
  void stop() throws Exception {
    cluster.close();
    try (var pids = Files.list(state.resolve("pids"))) {
      assertThat(pids.toList()).as("no pid files left").isEmpty();
    }
    assertThat(processesUnder(state)).as("no control plane process after stop").isEmpty();
  }

  @Test
  @Order(1)
  void theKubeconfigReachesAnApiServerWithTheCrdsAndPlans() {
    try (KubernetesClient client = cluster.client(null)) {
      assertThat(client.resources(TenantPlan.class).list().getItems())
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("free", "pro", "enterprise");
      assertThat(client.apiextensions().v1().customResourceDefinitions().withName("tenants.tenantry.dev").get())
          .isNotNull();
    }
  }

  @Test
  @Order(2)
  void rbacIsEnforced() {
    try (KubernetesClient stranger = cluster.client("nobody")) {
      assertThatThrownBy(() -> stranger.resources(Tenant.class).list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  @Test
  @Order(3)
  void theControllerManagerRuns() {
    try (KubernetesClient client = cluster.client(null)) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("probe").endMetadata().build())
          .create();
      // the service-account controller of kube-controller-manager creates this
      client.serviceAccounts().inNamespace("probe").withName("default")
          .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void dataSurvivesARestart() {
    try (KubernetesClient client = cluster.client(null)) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("durable").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      client.resource(tenant).create();
    }
    cluster.run("stop");
    assertThat(processesUnder(state)).as("no control plane process after stop").isEmpty();
    cluster.run("start");
    try (KubernetesClient client = cluster.client(null)) {
      assertThat(client.resources(Tenant.class).withName("durable").get()).isNotNull();
    }
  }

  /** Processes whose command line names the state directory (the control plane's flags do). */
  private static List<Long> processesUnder(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
        .filter(p -> p.info().command().map(c -> !c.endsWith("bash")).orElse(true))
        .map(ProcessHandle::pid)
        .toList();
  }
}
