package dev.tenantry.bench;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tenant-isolation webhooks add to a pod create: 200 concurrent server-side dry-run
 * creates of a restricted pod, into a tenant namespace (through the operator's webhooks) and into
 * a plain namespace (no webhook), on the local control plane with the operator as its own process.
 * Run with {@code scripts/bench.sh admission}; not part of the test suite.
 */
@Tag("benchmark")
class AdmissionBenchmark {

  static final int CONCURRENT = 200;
  static final int ROUNDS = 5;

  @TempDir
  Path state;

  @Test
  void dryRunPodCreatesWithAndWithoutTheWebhooks() throws Exception {
    Path jar = TenantryCrds.checkout().resolve("operator/target/operator.jar");
    try (LocalCluster cluster = LocalCluster.start(state); KubernetesClient client = cluster.client(null);
        OperatorProcess operator = OperatorProcess.start(cluster, jar)) {
      client.resource(new SecretBuilder().withNewMetadata().withName("tenantry-jwks").withNamespace("tenantry-system")
          .endMetadata().withData(Map.of("jwks.json", Base64.getEncoder().encodeToString(
              "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8)))).build()).serverSideApply();
      operator.registerWebhooks(client);
      Tenant tenant = new Tenant();
      tenant.setMetadata(new ObjectMetaBuilder().withName("bench").build());
      TenantSpec spec = new TenantSpec();
      spec.setPlan("free");
      tenant.setSpec(spec);
      client.resource(tenant).create();
      client.resource(new NamespaceBuilder().withNewMetadata().withName("plain").endMetadata().build()).create();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (client.limitRanges().inNamespace("tenant-bench").withName("tenant-limits").get() == null
          || client.serviceAccounts().inNamespace("plain").withName("default").get() == null) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("tenant-bench was not provisioned");
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }

      ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
      try {
        // warm-up: both paths, JIT and connection pools
        measure(client, pool, "tenant-bench", 2);
        measure(client, pool, "plain", 2);
        List<Long> withWebhooks = measure(client, pool, "tenant-bench", ROUNDS);
        List<Long> without = measure(client, pool, "plain", ROUNDS);
        String report = String.format(
            "| namespace | creates | concurrency | p50 | p99 | max |%n|---|---|---|---|---|---|%n"
                + "| tenant-bench (3 webhooks) | %d | %d | %.1f ms | %.1f ms | %.1f ms |%n"
                + "| plain (none) | %d | %d | %.1f ms | %.1f ms | %.1f ms |%n",
            withWebhooks.size(), CONCURRENT, ms(withWebhooks, 50), ms(withWebhooks, 99), ms(withWebhooks, 100),
            without.size(), CONCURRENT, ms(without, 50), ms(without, 99), ms(without, 100));
        Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/admission.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("ADMISSION BENCHMARK\n" + report);
      } finally {
        pool.shutdown();
      }
    }
  }

  /** {@code rounds} bursts of {@link #CONCURRENT} simultaneous dry-run creates; each create's latency in ns. */
  private static List<Long> measure(KubernetesClient client, ExecutorService pool, String namespace, int rounds)
      throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      int r = round;
      List<CompletableFuture<Long>> calls = IntStream.range(0, CONCURRENT).mapToObj(i -> CompletableFuture.supplyAsync(
          () -> {
            long start = System.nanoTime();
            client.resource(pod(namespace, "p-" + r + "-" + i)).dryRun().create();
            return System.nanoTime() - start;
          }, pool)).toList();
      for (CompletableFuture<Long> call : calls) {
        latencies.add(call.get(2, TimeUnit.MINUTES));
      }
    }
    return latencies.stream().sorted().toList();
  }

  private static Pod pod(String namespace, String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec()
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("app").withImage("tenantry/tenant-runtime:0.1.0")
        .withNewSecurityContext().withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .endContainer().endSpec().build();
  }

  private static double ms(List<Long> sorted, int percentile) {
    int index = Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    return sorted.get(index) / 1_000_000.0;
  }
}
