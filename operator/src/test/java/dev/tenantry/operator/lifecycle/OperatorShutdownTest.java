package dev.tenantry.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.operator.OperatorProcess;
import dev.tenantry.operator.OperatorProcess.Termination;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.TcpProxy;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as the kubelet sends it on every rollout, ends a real operator process within 10 s
 * with the JVM's SIGTERM status, with leader election on or off and whether the API server is
 * up, stalled or gone; a leader that stops hands its lease over instead of letting it run out.
 */
@WithKubeApiServer
class OperatorShutdownTest {
  private static final Duration EXIT_TARGET = Duration.ofSeconds(10);
  private static final int SIGTERM_STATUS = 143;
  private static final String LEASE_SECONDS = "15";

  @Test
  void aLeaderStopsWithinSecondsAndItsStandbyTakesTheLeaseAtOnce(KubeApiServer server, KubernetesClient client,
      @TempDir Path dir) throws Exception {
    Path kubeconfig = server.writeKubeConfig(dir.resolve("kubeconfig"));
    String namespace = "shutdown-leader";
    try (OperatorProcess leader = OperatorProcess.start(kubeconfig, dir.resolve("leader.log"),
            electing(namespace, "replica-leader"));
        OperatorProcess standby = startWhenLeading(client, namespace, "replica-leader", leader, kubeconfig,
            dir.resolve("standby.log"), electing(namespace, "replica-standby"))) {
      awaitReady(standby);

      Termination stopped = leader.terminate(Duration.ofSeconds(30));
      assertStoppedInTime(stopped, leader);
      // well inside the 15 s lease: the standby got it because it was handed back, not because it ran out
      Awaitility.await("the standby holds the lease").atMost(Duration.ofSeconds(7)).pollInterval(Duration.ofMillis(100))
          .until(() -> "replica-standby".equals(holder(client, namespace)));

      Termination standbyStopped = standby.terminate(Duration.ofSeconds(30));
      assertStoppedInTime(standbyStopped, standby);
      assertThat(holder(client, namespace)).as("the last leader released the lease too").isEmpty();
    }
  }

  @Test
  void withoutLeaderElectionItStopsWithinSeconds(KubeApiServer server, @TempDir Path dir) throws Exception {
    try (OperatorProcess operator = OperatorProcess.start(server.writeKubeConfig(dir.resolve("kubeconfig")),
        dir.resolve("operator.log"), Map.of("TENANTRY_NAMESPACE", "shutdown-single"))) {
      awaitReady(operator);
      assertStoppedInTime(operator.terminate(Duration.ofSeconds(30)), operator);
    }
  }

  @Test
  void aStalledApiServerDoesNotHoldTheStop(KubeApiServer server, KubernetesClient client, @TempDir Path dir)
      throws Exception {
    try (TcpProxy proxy = TcpProxy.to(address(server));
        OperatorProcess leader = OperatorProcess.start(kubeconfigThrough(proxy, server, dir), dir.resolve("operator.log"),
            electing("shutdown-stalled", "replica-stalled"))) {
      awaitLeading(client, "shutdown-stalled", "replica-stalled", leader);
      // every call from here on hangs: the stop's lease release and informer closes among them
      proxy.stall();
      assertStoppedInTime(leader.terminate(Duration.ofSeconds(30)), leader);
    }
  }

  @Test
  void aVanishedApiServerDoesNotHoldTheStop(KubeApiServer server, KubernetesClient client, @TempDir Path dir)
      throws Exception {
    TcpProxy proxy = TcpProxy.to(address(server));
    try (OperatorProcess leader = OperatorProcess.start(kubeconfigThrough(proxy, server, dir), dir.resolve("operator.log"),
        electing("shutdown-gone", "replica-gone"))) {
      awaitLeading(client, "shutdown-gone", "replica-gone", leader);
      proxy.close();
      assertStoppedInTime(leader.terminate(Duration.ofSeconds(30)), leader);
    } finally {
      proxy.close();
    }
  }

  private static Map<String, String> electing(String namespace, String identity) {
    return Map.of("TENANTRY_NAMESPACE", namespace, "HOSTNAME", identity, "TENANTRY_LEADER_ELECTION", "true",
        "TENANTRY_LEASE_DURATION_SECONDS", LEASE_SECONDS);
  }

  private static OperatorProcess startWhenLeading(KubernetesClient client, String namespace, String leaderId,
      OperatorProcess leader, Path kubeconfig, Path log, Map<String, String> environment) throws Exception {
    awaitLeading(client, namespace, leaderId, leader);
    return OperatorProcess.start(kubeconfig, log, environment);
  }

  private static void awaitLeading(KubernetesClient client, String namespace, String identity,
      OperatorProcess process) {
    Awaitility.await(identity + " leads").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .failFast("the operator process ended:\n" + process.log(), () -> !process.alive())
        .until(() -> identity.equals(holder(client, namespace)) && process.ready());
  }

  private static void awaitReady(OperatorProcess process) {
    Awaitility.await("the operator ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .failFast("the operator process ended", () -> !process.alive())
        .until(process::ready);
  }

  private static void assertStoppedInTime(Termination stopped, OperatorProcess process) {
    System.out.printf("SIGTERM to exit: %d ms, status %d%n", stopped.took().toMillis(), stopped.status());
    assertThat(stopped.exited()).as("exited after SIGTERM; its log:\n%s", process.log()).isTrue();
    assertThat(stopped.took()).as("SIGTERM to exit; its log:\n%s", process.log()).isLessThanOrEqualTo(EXIT_TARGET);
    assertThat(stopped.status()).as("exit status; its log:\n%s", process.log()).isEqualTo(SIGTERM_STATUS);
  }

  private static String holder(KubernetesClient client, String namespace) {
    var lease = client.leases().inNamespace(namespace).withName(TenantryOperator.LEASE_NAME).get();
    return lease == null ? null : Objects.requireNonNullElse(lease.getSpec().getHolderIdentity(), "");
  }

  private static InetSocketAddress address(KubeApiServer server) {
    URI api = URI.create(server.config().getMasterUrl());
    return new InetSocketAddress(api.getHost(), api.getPort());
  }

  /** The test API server's kubeconfig with its address swapped for the proxy's (TLS passes through). */
  private static Path kubeconfigThrough(TcpProxy proxy, KubeApiServer server, Path dir) throws Exception {
    URI api = URI.create(server.config().getMasterUrl());
    String yaml = server.kubeConfigYaml().replace(api.getHost() + ":" + api.getPort(),
        api.getHost() + ":" + proxy.port());
    assertThat(yaml).as("the kubeconfig names the API server's address").contains(":" + proxy.port());
    return Files.writeString(dir.resolve("kubeconfig-proxied"), yaml);
  }
}
