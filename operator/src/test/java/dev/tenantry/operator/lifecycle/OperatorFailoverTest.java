package dev.tenantry.operator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.operator.OperatorFixture;
import dev.tenantry.operator.OperatorProcess;
import dev.tenantry.operator.TenantryOperator;
import dev.tenantry.operator.rollout.FleetWatch;
import dev.tenantry.testkit.KubeApiServer;
import dev.tenantry.testkit.SimulatedRuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import dev.tenantry.testkit.WithKubeApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two operator processes with leader election; the leader is killed (SIGKILL: no hook, the lease
 * left to run out) in the middle of provisioning 100 tenants, and its successor in the middle of
 * a rollout's waves. Each time the standby leads within the lease and a few seconds, and every
 * tenant gets its namespace and runtime once, its provisioning never counts backwards, and the
 * rollout moves each tenant once, in order. No kubelet runs here: {@link SimulatedRuntimePods}
 * reports runtime pods ready as a node would.
 */
@WithKubeApiServer
class OperatorFailoverTest {
  private static final Duration LEASE = Duration.ofSeconds(6);
  private static final Duration TAKEOVER_TARGET = LEASE.plusSeconds(5);
  private static final String NEXT = "tenantry/tenant-runtime:0.2.0";

  @Test
  void aStandbyTakesOverFromAKilledLeaderAndNothingRunsTwiceOrBackwards(KubeApiServer server,
      KubernetesClient client, @TempDir Path dir) throws Exception {
    TenantryCrds.installExamplePlans(client);
    OperatorFixture.publishJwks(client, OperatorFixture.JWKS);
    Path kubeconfig = server.writeKubeConfig(dir.resolve("kubeconfig"));
    List<String> fleet = IntStream.range(0, 100).mapToObj(i -> "fo-%03d".formatted(i)).toList();
    List<String> rolled = fleet.subList(0, 6);

    try (SimulatedRuntimePods pods = SimulatedRuntimePods.start(client, image -> true, Duration.ofMillis(500));
        FleetWatch watch = new FleetWatch(client);
        Creations namespaces = Creations.of(client.namespaces()
            .withLabel(TenantryApi.MANAGED_BY_LABEL, TenantryApi.MANAGED_BY_VALUE).inform(), h -> h.getMetadata().getName());
        Creations runtimes = Creations.of(client.apps().deployments().inAnyNamespace().inform(),
            h -> h.getMetadata().getNamespace() + "/" + h.getMetadata().getName());
        OperatorProcess first = OperatorProcess.start(kubeconfig, dir.resolve("first.log"), electing("replica-first"))) {
      awaitLeader(client, "replica-first", first);
      try (OperatorProcess second = OperatorProcess.start(kubeconfig, dir.resolve("second.log"),
          electing("replica-second"))) {
        awaitReady(second);

        for (String name : fleet) {
          client.resource(tenant(name, rolled.contains(name))).create();
        }
        Awaitility.await("some tenants Ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> ready(client, fleet) >= 10);
        first.kill();
        long killed = System.nanoTime();
        long readyWhenKilled = ready(client, fleet);
        awaitLeader(client, "replica-second", second);
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("failover: %d of %d tenants Ready at the kill, standby leading %d ms after it%n",
            readyWhenKilled, fleet.size(), takeover.toMillis());
        assertThat(takeover).as("the standby leads within the lease and a few seconds").isLessThanOrEqualTo(TAKEOVER_TARGET);
        assertThat(readyWhenKilled).as("the leader died mid-provisioning").isLessThan(fleet.size());

        Awaitility.await("every tenant Ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
            .failFast("the new leader ended:\n" + second.log(), () -> !second.alive())
            .until(() -> ready(client, fleet) == fleet.size());
        // before the rollout: a rollout re-runs the runtime step of each tenant it moves, by design
        List<String> provisioningWentBack = watch.stepsWentBack();

        try (OperatorProcess third = OperatorProcess.start(kubeconfig, dir.resolve("third.log"),
            electing("replica-third"))) {
          awaitReady(third);
          client.resource(rollout()).create();
          Awaitility.await("the rollout's second wave under way").atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(100)).until(() -> watch.moveOrder("failover").size() >= 2);
          second.kill();
          long secondKilled = System.nanoTime();
          awaitLeader(client, "replica-third", third);
          assertThat(Duration.ofNanos(System.nanoTime() - secondKilled)).as("the second takeover")
              .isLessThanOrEqualTo(TAKEOVER_TARGET);
          assertThat(provisioningWentBack).as("tenants whose provisioning counted backwards").isEmpty();
          Awaitility.await("the rollout Succeeded").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
              .until(() -> rolloutPhase(client) == RolloutPhase.Succeeded);
        }
      }
      assertThat(watch.moveOrder("failover")).as("each tenant moved once, in order, across the takeover")
          .isEqualTo(rolled);
      for (String name : fleet) {
        String namespace = TenantryApi.namespaceOf(name);
        assertThat(namespaces.added(namespace)).as("%s created once", namespace).isEqualTo(1);
        assertThat(runtimes.added(namespace + "/runtime")).as("%s's runtime created once", namespace).isEqualTo(1);
      }
      assertThat(namespaces.deleted()).as("nothing provisioned was deleted").isZero();
      assertThat(runtimes.deleted()).isZero();
    }
  }

  private static Map<String, String> electing(String identity) {
    return Map.of("HOSTNAME", identity, "TENANTRY_LEADER_ELECTION", "true",
        "TENANTRY_LEASE_DURATION_SECONDS", String.valueOf(LEASE.toSeconds()), "TENANTRY_RECONCILE_THREADS", "4");
  }

  private static Tenant tenant(String name, boolean inRollout) {
    Tenant tenant = new Tenant();
    Map<String, String> labels = new HashMap<>();
    if (inRollout) {
      labels.put("wave", "failover");
    }
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("free");
    tenant.setSpec(spec);
    return tenant;
  }

  private static TenantRollout rollout() {
    TenantRolloutSpec spec = new TenantRolloutSpec();
    spec.setImage(NEXT);
    spec.setSelector(new TenantSelector(null, Map.of("wave", "failover")));
    spec.setWaves(List.of(new Wave("canary", new IntOrString(1)), new Wave("rest", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString(1));
    TenantRollout rollout = new TenantRollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("failover").build());
    rollout.setSpec(spec);
    return rollout;
  }

  private static RolloutPhase rolloutPhase(KubernetesClient client) {
    TenantRollout rollout = client.resources(TenantRollout.class).withName("failover").get();
    return rollout == null || rollout.getStatus() == null ? null : rollout.getStatus().getPhase();
  }

  private static long ready(KubernetesClient client, List<String> fleet) {
    return client.resources(Tenant.class).list().getItems().stream()
        .filter(t -> fleet.contains(t.getMetadata().getName()))
        .filter(t -> t.getStatus() != null && t.getStatus().getPhase() == Phase.Ready).count();
  }

  private static void awaitLeader(KubernetesClient client, String identity, OperatorProcess process) {
    Awaitility.await(identity + " leads").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
        .failFast("the operator process ended:\n" + process.log(), () -> !process.alive())
        .until(() -> {
          var lease = client.leases().inNamespace(OperatorFixture.PLATFORM_NAMESPACE)
              .withName(TenantryOperator.LEASE_NAME).get();
          return lease != null && identity.equals(lease.getSpec().getHolderIdentity());
        });
  }

  private static void awaitReady(OperatorProcess process) {
    Awaitility.await("the standby ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .failFast("the operator process ended", () -> !process.alive())
        .until(process::ready);
  }

  /** Counts, from a watch, how often each object was created and how many were deleted. */
  private static final class Creations implements AutoCloseable {
    private final SharedIndexInformer<? extends HasMetadata> informer;
    private final Map<String, AtomicInteger> added = new ConcurrentHashMap<>();
    private final AtomicInteger deleted = new AtomicInteger();

    private Creations(SharedIndexInformer<? extends HasMetadata> informer) {
      this.informer = informer;
    }

    static <T extends HasMetadata> Creations of(SharedIndexInformer<T> informer, Function<HasMetadata, String> key) {
      Creations creations = new Creations(informer);
      informer.addEventHandler(new ResourceEventHandler<T>() {
        @Override
        public void onAdd(T object) {
          creations.added.computeIfAbsent(key.apply(object), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void onUpdate(T before, T after) {
          if (!Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid())) {
            creations.added.computeIfAbsent(key.apply(after), k -> new AtomicInteger()).incrementAndGet();
          }
        }

        @Override
        public void onDelete(T object, boolean unknown) {
          creations.deleted.incrementAndGet();
        }
      });
      return creations;
    }

    int added(String key) {
      AtomicInteger count = added.get(key);
      return count == null ? 0 : count.get();
    }

    int deleted() {
      return deleted.get();
    }

    @Override
    public void close() {
      informer.close();
    }
  }
}
