package dev.tenantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local control plane the README's main command uses ({@code scripts/cluster.sh}), started
 * on free ports in a state directory of its own: RBAC on, CRDs and plans installed, data kept
 * across a restart, nothing left running after stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalControlPlaneTest {

  @TempDir static Path state;
  static Map<String, String> ports;

  @BeforeAll
  static void start() throws Exception {
    ports = new HashMap<>();
    ports.put("TENANTRY_APISERVER_PORT", String.valueOf(freePort()));
    int etcd = freePortPair();
    ports.put("TENANTRY_ETCD_PORT", String.valueOf(etcd));
    ports.put("TENANTRY_CONTROLLER_MANAGER_PORT", String.valueOf(freePort()));
    ports.put("TENANTRY_SCHEDULER_PORT", String.valueOf(freePort()));
    cluster("start");
  }

  @AfterAll
  static void stop() throws Exception {
    cluster("stop", "--wipe");
    try (var pids = Files.list(state.resolve("pids"))) {
      assertThat(pids.toList()).as("no pid files left").isEmpty();
    }
  }

  @Test
  @Order(1)
  void theKubeconfigReachesAnApiServerWithTheCrdsAndPlans() {
    try (KubernetesClient client = client(null)) {
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
    try (KubernetesClient stranger = client("nobody")) {
      assertThatThrownBy(() -> stranger.resources(Tenant.class).list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  @Test
  @Order(3)
  void theControllerManagerRuns() {
    try (KubernetesClient client = client(null)) {
      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
          .withNewMetadata().withName("probe").endMetadata().build()).create();
      // the service-account controller of kube-controller-manager creates this
      client.serviceAccounts().inNamespace("probe").withName("default")
          .waitUntilCondition(sa -> sa != null, 60, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void dataSurvivesARestart() throws Exception {
    try (KubernetesClient client = client(null)) {
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("durable").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      client.resource(tenant).create();
    }
    cluster("stop");
    assertThat(processesUnder(state)).as("no control plane process after stop").isEmpty();
    cluster("start");
    try (KubernetesClient client = client(null)) {
      assertThat(client.resources(Tenant.class).withName("durable").get()).isNotNull();
    }
  }

  private static KubernetesClient client(String impersonate) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(state.resolve("kubeconfig")));
      if (impersonate != null) {
        config.setImpersonateUsername(impersonate);
      }
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void cluster(String... args) throws Exception {
    Path script = TenantryCrds.checkout().resolve("scripts/cluster.sh");
    List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--state", state.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(ports);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("cluster.sh %s finished", args[0]).isTrue();
    assertThat(process.exitValue()).as("cluster.sh %s failed:%n%s%n%s", args[0], output, logs()).isZero();
  }

  private static String logs() {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(state.resolve("logs"))) {
      for (Path log : files.toList()) {
        List<String> lines = Files.readAllLines(log);
        all.append("--- ").append(log.getFileName()).append('\n');
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> all.append(l).append('\n'));
      }
    } catch (IOException e) {
      all.append("(no logs: ").append(e.getMessage()).append(')');
    }
    return all.toString();
  }

  /** Processes whose command line names the state directory (the control plane's flags do). */
  private static List<Long> processesUnder(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
        .filter(p -> p.info().command().map(c -> !c.endsWith("bash")).orElse(true))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A free port whose successor is free too (etcd's client and peer ports). */
  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = freePort();
      try (ServerSocket next = new ServerSocket(port + 1)) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two adjacent free ports");
  }
}
