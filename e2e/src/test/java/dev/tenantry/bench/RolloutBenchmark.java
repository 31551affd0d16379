package dev.tenantry.bench;

import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.rollout.RolloutPhase;
import dev.tenantry.crds.rollout.TenantRollout;
import dev.tenantry.crds.rollout.TenantRolloutSpec;
import dev.tenantry.crds.rollout.Wave;
import dev.tenantry.crds.tenant.Phase;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSelector;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.ApiServerWrites;
import dev.tenantry.testkit.SimulatedRuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout of N tenants (default 200) in four waves on the local control plane, the operator as
 * its own process with its webhooks on, against the same image change applied all at once by
 * editing the plan. No node: the benchmark plays the Deployment controller and the kubelet
 * ({@link SimulatedRuntimePods}, a pod Ready 3 s after its spec changes), so the figures are the
 * platform's own orchestration, not the runtime's start-up. Run with {@code scripts/bench.sh rollout};
 * not part of the test suite.
 */
@Tag("benchmark")
class RolloutBenchmark {
  static final String FIRST = "tenantry/tenant-runtime:0.1.0";
  static final String SECOND = "tenantry/tenant-runtime:0.2.0";
  static final String THIRD = "tenantry/tenant-runtime:0.3.0";
  static final Duration POD_START = Duration.ofSeconds(3);

  @TempDir
  Path state;

  @Test
  void rollOutInWavesAgainstAllAtOnce() throws Exception {
    int tenants = Integer.getInteger("bench.tenants", 200);
    Path jar = TenantryCrds.checkout().resolve("operator/target/operator.jar");
    // the benchmark writes the Deployments' status: the cluster's Deployment controller must not
    Map<String, String> environment = Map.of("TENANTRY_CONTROLLERS", "*,-deployment,bootstrapsigner,tokencleaner");
    try (LocalCluster cluster = LocalCluster.start(state, environment);
        KubernetesClient client = cluster.client(null);
        SimulatedRuntimePods pods = SimulatedRuntimePods.start(client, image -> true, POD_START)) {
      OperatorProcess.publishJwks(client);
      try (OperatorProcess operator = OperatorProcess.start(cluster, jar)) {
        operator.registerWebhooks(client);
        Map<String, Instant> readyOn = new ConcurrentHashMap<>();
        SharedIndexInformer<Tenant> informer = client.resources(Tenant.class).inform(new ResourceEventHandler<>() {
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

          /** When each tenant was first seen Ready on each image. */
          private void record(Tenant tenant) {
            if (tenant.getStatus() != null && tenant.getStatus().getPhase() == Phase.Ready
                && tenant.getStatus().getRuntime() != null) {
              readyOn.putIfAbsent(tenant.getMetadata().getName() + "@" + tenant.getStatus().getRuntime().getImage(),
                  Instant.now());
            }
          }
        });
        for (int i = 0; i < tenants; i++) {
          client.resource(Tenant.onPlan(String.format("fleet-%04d", i), "free")).create();
        }
        await("every tenant Ready on " + FIRST, Duration.ofMinutes(10), () -> count(readyOn, FIRST) == tenants);

        // in waves: 1, 10%, 50%, 100%; a quarter of each wave moving at once
        long writesBefore = ApiServerWrites.all(client);
        long operatorBefore = OperatorProcess.writes(operator.metrics());
        Instant start = Instant.now();
        client.resource(rollout()).create();
        TenantRollout done = Awaitility.await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(250))
            .until(() -> client.resources(TenantRollout.class).withName("bench").get(),
                r -> r.getStatus() != null && r.getStatus().getPhase() != null && r.getStatus().getPhase().finished());
        Instant end = Instant.now();
        if (done.getStatus().getPhase() != RolloutPhase.Succeeded) {
          throw new IllegalStateException("the rollout ended " + done.getStatus().getPhase() + ": "
              + done.getStatus().getConditions());
        }
        await("the operator to settle after the rollout", Duration.ofMinutes(2), () -> count(readyOn, SECOND) == tenants);
        long rolloutWrites = ApiServerWrites.all(client) - writesBefore;
        long rolloutOperatorWrites = OperatorProcess.writes(operator.metrics()) - operatorBefore;
        double rolloutSeconds = Duration.between(start, end).toMillis() / 1000.0;

        StringBuilder waves = new StringBuilder("| wave | tenants | first moved to last Ready |\n|---|---|---|\n");
        for (var wave : done.getStatus().getWaves()) {
          Duration span = Duration.between(Instant.parse(wave.getStartedAt()), Instant.parse(wave.getHealthyAt()));
          waves.append(String.format("| %s | %d | %d s |%n", wave.getName(), wave.getTotal(), span.toSeconds()));
        }

        // all at once: the plan's image edited, as before rollouts existed
        writesBefore = ApiServerWrites.all(client);
        operatorBefore = OperatorProcess.writes(operator.metrics());
        Instant allStart = Instant.now();
        client.resources(TenantPlan.class).withName("free").edit(plan -> {
          plan.getSpec().getRuntime().setImage(THIRD);
          return plan;
        });
        await("every tenant Ready on " + THIRD, Duration.ofMinutes(20), () -> count(readyOn, THIRD) == tenants);
        Instant allEnd = readyOn.entrySet().stream().filter(e -> e.getKey().endsWith("@" + THIRD))
            .map(Map.Entry::getValue).max(Instant::compareTo).orElseThrow();
        long allWrites = ApiServerWrites.all(client) - writesBefore;
        long allOperatorWrites = OperatorProcess.writes(operator.metrics()) - operatorBefore;
        double allSeconds = Duration.between(allStart, allEnd).toMillis() / 1000.0;
        informer.close();

        String report = String.format(
            "| tenants | pod start (simulated) | rollout, 4 waves | all at once | extra time | API writes per moved tenant"
                + " (rollout / all at once) | operator writes per moved tenant (rollout / all at once) |%n"
                + "|---|---|---|---|---|---|---|%n"
                + "| %d | %d s | %.1f s | %.1f s | %.1f s | %.1f / %.1f | %.1f / %.1f |%n%n%s",
            tenants, POD_START.toSeconds(), rolloutSeconds, allSeconds, rolloutSeconds - allSeconds,
            rolloutWrites / (double) tenants, allWrites / (double) tenants,
            rolloutOperatorWrites / (double) tenants, allOperatorWrites / (double) tenants, waves);
        Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/rollout.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("ROLLOUT BENCHMARK\n" + report);
      }
    }
  }

  private static TenantRollout rollout() {
    TenantRolloutSpec spec = new TenantRolloutSpec();
    spec.setImage(SECOND);
    spec.setSelector(new TenantSelector(List.of("free"), null));
    spec.setWaves(List.of(new Wave("canary", new IntOrString(1)), new Wave("tenth", new IntOrString("10%")),
        new Wave("half", new IntOrString("50%")), new Wave("all", new IntOrString("100%"))));
    spec.setMaxUnavailable(new IntOrString("25%"));
    TenantRollout rollout = new TenantRollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("bench").build());
    rollout.setSpec(spec);
    return rollout;
  }

  private static long count(Map<String, Instant> readyOn, String image) {
    return readyOn.keySet().stream().filter(k -> k.endsWith("@" + image)).count();
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(condition::getAsBoolean);
  }
}
