package dev.tenantry.bench;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.ApiServerWrites;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates N tenants on the local control plane (etcd, kube-apiserver, controller-manager) and
 * measures the operator (its own process, {@code operator/target/operator.jar}) from apply to
 * "every dependent created and status written" (RuntimeReady waiting for pods: no kubelet runs
 * pods here), its
 * heap and RSS, and the API writes per tenant, beside the API server's own write ceiling.
 * Run with {@code scripts/bench.sh operator [N]}; not part of the test suite.
 */
@Tag("benchmark")
class OperatorBenchmark {

  @TempDir
  Path state;

  @Test
  void provisionManyTenants() throws Exception {
    int tenants = Integer.getInteger("bench.tenants", 1000);
    Path jar = TenantryCrds.checkout().resolve("operator/target/operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: mvn -B -q package -DskipTests");
    }
    try (LocalCluster cluster = LocalCluster.start(state); KubernetesClient client = cluster.client(null)) {
      OperatorProcess.publishJwks(client);
      double ceiling = apiServerWriteCeiling(client, 2000);

      boolean webhooks = Boolean.parseBoolean(System.getProperty("bench.webhooks", "true"));
      try (OperatorProcess operator = OperatorProcess.start(cluster, jar)) {
        if (webhooks) {
          operator.registerWebhooks(client);
        }
        Map<String, Instant> created = new ConcurrentHashMap<>();
        Map<String, Instant> provisioned = new ConcurrentHashMap<>();
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

          private void record(Tenant tenant) {
            // every dependent created and the status written: the runtime step waits for pods
            if (tenant.getStatus() != null && tenant.getStatus().condition("RuntimeReady")
                .map(c -> "WaitingForPods".equals(c.getReason())).orElse(false)) {
              provisioned.putIfAbsent(tenant.getMetadata().getName(), Instant.now());
            }
          }
        });
        long writesBefore = ApiServerWrites.all(client);
        long operatorWritesBefore = OperatorProcess.writes(operator.metrics());
        Instant start = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> creates = new ArrayList<>();
        for (int i = 0; i < tenants; i++) {
          String name = "bench-" + i;
          creates.add(CompletableFuture.runAsync(() -> {
            created.put(name, Instant.now());
            client.resource(tenant(name)).create();
          }, pool));
        }
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (provisioned.size() < tenants && Instant.now().isBefore(deadline)) {
          TimeUnit.MILLISECONDS.sleep(200);
        }
        Instant end = provisioned.values().stream().max(Instant::compareTo).orElse(Instant.now());
        long writesAfterProvisioning = ApiServerWrites.all(client);
        long operatorWritesProvisioning = OperatorProcess.writes(operator.metrics());
        // settled: count what the operator still writes with nothing changing
        TimeUnit.SECONDS.sleep(10);
        String metrics = operator.metrics();
        long operatorWritesSettled = OperatorProcess.writes(metrics) - operatorWritesProvisioning;
        long rss = rssBytes(operator.pid());
        pool.shutdown();
        informer.close();

        List<Long> latencies = provisioned.entrySet().stream()
            .map(e -> Duration.between(created.get(e.getKey()), e.getValue()).toMillis()).sorted().toList();
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        long operatorWrites = operatorWritesProvisioning - operatorWritesBefore;
        long clusterWrites = writesAfterProvisioning - writesBefore;
        String report = String.format(
            "| webhooks | tenants | provisioned | total | p50 | p95 | operator writes per tenant | all API writes per tenant"
                + " | operator write rate | API server ceiling | ratio | operator writes in 10 s settled | heap used"
                + " | RSS | reconcile failures |%n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n"
                + "| %s | %d | %d | %.1f s | %d ms | %d ms | %.1f | %.1f | %.0f/s | %.0f/s | %.0f%% | %d | %d MiB | %d MiB | %d |%n",
            webhooks ? "on" : "off", tenants, provisioned.size(), seconds, percentile(latencies, 50), percentile(latencies, 95),
            operatorWrites / (double) tenants, clusterWrites / (double) tenants, operatorWrites / seconds, ceiling,
            100 * (operatorWrites / seconds) / ceiling, operatorWritesSettled,
            heapBytes(metrics) / (1024 * 1024), rss / (1024 * 1024), failures(metrics));
        String byResource = metrics.lines().filter(l -> l.startsWith("tenantry_operator_api_writes_by_resource_total"))
            .reduce("", (a, b) -> a + b + "\n");
        System.out.println("OPERATOR WRITES BY RESOURCE\n" + byResource);
        System.out.println("ADMISSION\n" + metrics.lines().filter(l -> l.startsWith("tenantry_admission_"))
            .filter(l -> l.contains("_count") || l.contains("connections")).reduce("", (a, b) -> a + b + "\n"));
        Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/operator" + (webhooks ? "" : "-no-webhooks") + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("OPERATOR BENCHMARK\n" + report);
      }
    }
  }

  private static Tenant tenant(String name) {
    Tenant tenant = new Tenant();
    tenant.setMetadata(new ObjectMetaBuilder().withName(name).build());
    TenantSpec spec = new TenantSpec();
    spec.setPlan("free");
    tenant.setSpec(spec);
    return tenant;
  }

  /** Creates ConfigMaps as fast as 32 concurrent writers can: what the API server takes here. */
  private static double apiServerWriteCeiling(KubernetesClient client, int writes) throws Exception {
    client.resource(new NamespaceBuilder().withNewMetadata().withName("bench-ceiling").endMetadata().build()).create();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    Instant start = Instant.now();
    CompletableFuture.allOf(IntStream.range(0, writes).mapToObj(i -> CompletableFuture.runAsync(() ->
        client.resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i).withNamespace("bench-ceiling")
            .endMetadata().withData(Map.of("k", "v")).build()).create(), pool)).toArray(CompletableFuture[]::new))
        .get(10, TimeUnit.MINUTES);
    double rate = writes / (Duration.between(start, Instant.now()).toMillis() / 1000.0);
    pool.shutdown();
    client.namespaces().withName("bench-ceiling").delete();
    return rate;
  }

  private static long heapBytes(String metrics) {
    return (long) metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long failures(String metrics) {
    return (long) metrics.lines().filter(l -> l.startsWith("operator_sdk_reconciliations_failed_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long rssBytes(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
        .findFirst().orElse(-1);
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
