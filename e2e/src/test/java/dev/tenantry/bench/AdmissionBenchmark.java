package dev.tenantry.bench;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
  /** Enough for the webhook's path to be compiled by C2 before it is measured. */
  static final int WARM_UP_ROUNDS = 10;

  @TempDir
  Path state;

  @Test
  void dryRunPodCreatesWithAndWithoutTheWebhooks() throws Exception {
    Path jar = TenantryCrds.checkout().resolve("operator/target/operator.jar");
    try (LocalCluster cluster = LocalCluster.start(state); KubernetesClient client = cluster.client(null);
        OperatorProcess operator = OperatorProcess.start(cluster, jar)) {
      OperatorProcess.publishJwks(client);
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
      long apiServer = Long.parseLong(Files.readString(cluster.state().resolve("pids/kube-apiserver.pid")).trim());
      StringBuilder report = new StringBuilder(
          "| namespace | concurrency | creates | p50 | p99 | max | operator CPU per create | API server CPU per create |\n"
              + "|---|---|---|---|---|---|---|---|\n");
      try {
        // warm-up: both paths, JIT and connection pools
        measure(client, pool, "tenant-bench", CONCURRENT, WARM_UP_ROUNDS);
        measure(client, pool, "plain", CONCURRENT, WARM_UP_ROUNDS);
        for (int concurrency : List.of(20, CONCURRENT)) {
          for (String namespace : List.of("tenant-bench", "plain")) {
            Cpu before = Cpu.of(operator.pid(), apiServer);
            List<Long> latencies = measure(client, pool, namespace, concurrency, ROUNDS * CONCURRENT / concurrency);
            Cpu used = Cpu.of(operator.pid(), apiServer).minus(before);
            report.append(String.format("| %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.2f ms | %.2f ms |%n",
                namespace.equals("plain") ? "plain (no webhook)" : "tenant-bench (webhooks)", concurrency,
                latencies.size(), ms(latencies, 50), ms(latencies, 99), ms(latencies, 100),
                used.operatorMs() / latencies.size(), used.apiServerMs() / latencies.size()));
          }
        }
        Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/admission.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        String protocols = operator.metrics().lines().filter(l -> l.startsWith("tenantry_admission_seconds_count")
            || l.startsWith("tenantry_admission_connections"))
            .reduce("", (a, b) -> a + b + "\n");
        System.out.println("ADMISSION BENCHMARK\n" + report + "\n" + protocols);
      } finally {
        pool.shutdown();
      }
    }
  }

  /** {@code rounds} bursts of {@code concurrency} simultaneous dry-run creates; each create's latency in ns. */
  private static List<Long> measure(KubernetesClient client, ExecutorService pool, String namespace, int concurrency,
      int rounds) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      int r = round;
      List<CompletableFuture<Long>> calls = IntStream.range(0, concurrency).mapToObj(i -> CompletableFuture.supplyAsync(
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

  /** CPU time (user + system) of the operator and the API server, from /proc. */
  private record Cpu(double operatorMs, double apiServerMs) {
    static Cpu of(long operator, long apiServer) throws java.io.IOException {
      return new Cpu(cpuMs(operator), cpuMs(apiServer));
    }

    Cpu minus(Cpu other) {
      return new Cpu(operatorMs - other.operatorMs, apiServerMs - other.apiServerMs);
    }

    private static double cpuMs(long pid) throws java.io.IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10.0;
    }
  }

  private static double ms(List<Long> sorted, int percentile) {
    int index = Math.min(sorted.size() - 1, Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    return sorted.get(index) / 1_000_000.0;
  }
}
