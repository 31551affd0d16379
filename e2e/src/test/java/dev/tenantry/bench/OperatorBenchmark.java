package dev.tenantry.bench;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.testkit.ApiServerWrites;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creates N tenants on the local control plane (etcd, kube-apiserver, controller-manager) and
 * measures the operator (its own process, {@code operator/target/operator.jar}) from apply to
 * "every dependent created and status written" (RuntimeReady waiting for pods: no kubelet runs
 * pods here), its
 * heap and RSS, and the API writes per tenant, beside the API server's own write ceiling.
 * One row per fleet size ({@code -Dbench.sizes}), each on a fresh control plane; after
 * provisioning, the settled fleet's memory, one change at a time, and a restarted operator.
 * Run with {@code scripts/bench.sh operator [SIZES...]}; not part of the test suite.
 */
@Tag("benchmark")
class OperatorBenchmark {

  @TempDir
  Path state;

  @Test
  void provisionManyTenants() throws Exception {
    List<Integer> sizes = Stream.of(System.getProperty("bench.sizes", System.getProperty("bench.tenants", "1000"))
        .trim().split("[\\s,]+")).map(Integer::parseInt).toList();
    Path jar = TenantryCrds.checkout().resolve("operator/target/operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: mvn -B -q package -DskipTests");
    }
    boolean webhooks = Boolean.parseBoolean(System.getProperty("bench.webhooks", "true"));
    StringBuilder report = new StringBuilder(String.format(
        "| tenants | provisioned | total | tenants/s | operator writes per tenant | all API writes per tenant"
            + " | API server ceiling | floor | of the floor | operator writes in 10 s settled | live heap idle / end"
            + " | RSS idle / end | RSS per tenant | one change p50 / p99 | restart settled | restart writes"
            + " | reconcile failures |%n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|%n"));
    for (int size : sizes) {
      Row row = measure(size, jar, webhooks, state.resolve("size-" + size));
      report.append(row.markdown());
      System.out.println("OPERATOR BENCHMARK, " + size + " TENANTS\n" + row.markdown());
    }
    Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/operator" + (webhooks ? "" : "-no-webhooks") + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report);
    System.out.println("OPERATOR BENCHMARK (webhooks " + (webhooks ? "on" : "off") + ")\n" + report);
  }

  /** One size on a fresh control plane: provisioning, the settled fleet, one change at a time, a restart. */
  private static Row measure(int tenants, Path jar, boolean webhooks, Path dir) throws Exception {
    Files.createDirectories(dir);
    // -Dbench.controllers: kube-controller-manager's --controllers, to leave out the per-object
    // churn (ReplicaSets, pods that stay Pending, quota status) that competes for the API server
    String controllers = System.getProperty("bench.controllers", "");
    Map<String, String> environment = controllers.isBlank() ? Map.of() : Map.of("TENANTRY_CONTROLLERS", controllers);
    try (LocalCluster cluster = LocalCluster.start(dir, environment); KubernetesClient client = cluster.client(null)) {
      OperatorProcess.publishJwks(client);
      double ceiling = apiServerWriteCeiling(client, 2000);
      Row.Builder row = new Row.Builder(tenants, ceiling);

      try (OperatorProcess operator = OperatorProcess.start(cluster, jar)) {
        if (webhooks) {
          operator.registerWebhooks(client);
        }
        operator.collectGarbage();
        row.idle(heapBytes(operator.metrics()), rssBytes(operator.pid()));
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
            client.resource(Tenant.onPlan(name, "free")).create();
          }, pool));
        }
        CompletableFuture.allOf(creates.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        pool.shutdown();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(Integer.getInteger("bench.minutes", 90)));
        while (provisioned.size() < tenants && Instant.now().isBefore(deadline)) {
          TimeUnit.MILLISECONDS.sleep(200);
        }
        Instant end = provisioned.values().stream().max(Instant::compareTo).orElse(Instant.now());
        row.provisioned(provisioned.size(), Duration.between(start, end),
            OperatorProcess.writes(operator.metrics()) - operatorWritesBefore, ApiServerWrites.all(client) - writesBefore);
        informer.close();
        if (provisioned.size() < tenants) {
          // a fleet still provisioning is not idle: its single changes would queue behind it
          String metrics = operator.metrics();
          row.end(heapBytes(metrics), rssBytes(operator.pid()), failures(metrics));
          row.restart(Duration.ZERO, 0, -1);
          return row.build();
        }

        // settled: count what the operator still writes with nothing changing
        long operatorWritesProvisioning = OperatorProcess.writes(operator.metrics());
        TimeUnit.SECONDS.sleep(10);
        row.settledWrites(OperatorProcess.writes(operator.metrics()) - operatorWritesProvisioning);

        // an idle fleet means an idle cluster: the controller-manager works off its own backlog
        // (service-account tokens, each reviewed by the operator's webhook) after the operator
        Duration clusterSettled = untilNoApiWrites(client, Duration.ofMinutes(10));
        double gcSecondsBefore = gcPauseSeconds(operator.metrics());
        List<Long> changes = oneChangeAtATime(client, Math.min(tenants, 40));
        String afterChanges = operator.metrics();
        System.out.printf("ONE CHANGE AT A TIME, %d TENANTS: cluster quiet after %d s more; in order (ms) %s;"
                + " GC during the changes %.2f s, longest pause in the last 2 minutes %.3f s%n", tenants,
            clusterSettled.toSeconds(), changes, gcPauseSeconds(afterChanges) - gcSecondsBefore,
            series(afterChanges, l -> l.startsWith("jvm_gc_pause_seconds_max")).max().orElse(0));
        row.changes(changes.stream().sorted().toList());
        operator.collectGarbage();
        String metrics = operator.metrics();
        row.end(heapBytes(metrics), rssBytes(operator.pid()), failures(metrics));
        System.out.println("LIVE HEAP BY CLASS, " + tenants + " TENANTS\n" + operator.heapHistogram(40));
        System.out.println("OPERATOR WRITES BY RESOURCE\n" + metrics.lines()
            .filter(l -> l.startsWith("tenantry_operator_api_writes_by_resource_total")).reduce("", (a, b) -> a + b + "\n"));
      }

      if (!Boolean.parseBoolean(System.getProperty("bench.restart", "true"))) {
        row.restart(Duration.ZERO, 0, -1);
        return row.build();
      }
      // a new operator over the settled fleet: it reconciles every tenant and should write nothing
      Instant restart = Instant.now();
      try (OperatorProcess restarted = OperatorProcess.start(cluster, jar, "operator-restarted.log")) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (tenantsReconciled(restarted.metrics()) < tenants && Instant.now().isBefore(deadline)) {
          TimeUnit.MILLISECONDS.sleep(100);
        }
        row.restart(Duration.between(restart, Instant.now()), tenantsReconciled(restarted.metrics()),
            OperatorProcess.writes(restarted.metrics()));
      }
      return row.build();
    }
  }

  /**
   * Suspends {@code count} settled tenants one after the other and times each from the patch to
   * its Deployment at zero replicas, in order: the reconcile latency of a single change in an idle fleet.
   */
  private static List<Long> oneChangeAtATime(KubernetesClient client, int count) throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = "bench-" + i;
      var deployment = client.apps().deployments().inNamespace("tenant-" + name).withName("runtime");
      CompletableFuture<?> scaledDown = deployment.informOnCondition(list -> !list.isEmpty()
          && Integer.valueOf(0).equals(list.get(0).getSpec().getReplicas()));
      Instant start = Instant.now();
      client.resources(Tenant.class).withName(name).edit(t -> {
        t.getSpec().setSuspended(true);
        return t;
      });
      scaledDown.get(2, TimeUnit.MINUTES);
      millis.add(Duration.between(start, Instant.now()).toMillis());
    }
    return millis;
  }

  /**
   * Waits until the API server takes no write that changes content (timers' lease renewals do not
   * count) for 10 s, or {@code atMost}; returns how long that took.
   */
  private static Duration untilNoApiWrites(KubernetesClient client, Duration atMost) throws InterruptedException {
    Instant start = Instant.now();
    long before = ApiServerWrites.content(client);
    while (Duration.between(start, Instant.now()).compareTo(atMost) < 0) {
      TimeUnit.SECONDS.sleep(10);
      long now = ApiServerWrites.content(client);
      if (now == before) {
        break;
      }
      before = now;
    }
    return Duration.between(start, Instant.now());
  }

  private static double gcPauseSeconds(String metrics) {
    return series(metrics, l -> l.startsWith("jvm_gc_pause_seconds_sum")).sum();
  }

  /** The values of the Prometheus lines {@code wanted} picks. */
  private static java.util.stream.DoubleStream series(String metrics, java.util.function.Predicate<String> wanted) {
    return metrics.lines().filter(wanted).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
  }

  /** Tenants whose phase the operator has set since it started: each one reconciled at least once. */
  private static long tenantsReconciled(String metrics) {
    return (long) series(metrics, l -> l.startsWith("tenantry_tenants{")).sum();
  }

  /** What one size measured, as a row of the table. */
  private record Row(int tenants, int provisioned, Duration total, double operatorWritesPerTenant,
      double allWritesPerTenant, double ceiling, long settledWrites, long heapIdle, long heapEnd, long rssIdle,
      long rssEnd, List<Long> changes, Duration restart, long restartReconciled, long restartWrites, long failures) {

    String markdown() {
      double seconds = total.toMillis() / 1000.0;
      double floor = allWritesPerTenant * tenants / ceiling;
      return String.format("| %d | %d | %.1f s | %.1f | %.1f | %.1f | %.0f/s | %.1f s | %.0f%% | %d | %d / %d MiB"
              + " | %d / %d MiB | %.0f KiB | %d / %d ms | %.1f s (%d reconciled) | %d | %d |%n",
          tenants, provisioned, seconds, provisioned / seconds, operatorWritesPerTenant, allWritesPerTenant, ceiling,
          floor, 100 * floor / seconds, settledWrites, heapIdle >> 20, heapEnd >> 20, rssIdle >> 20, rssEnd >> 20,
          (rssEnd - rssIdle) / 1024.0 / tenants, percentile(changes, 50), percentile(changes, 99),
          restart.toMillis() / 1000.0, restartReconciled, restartWrites, failures);
    }

    /** Gathers a row as the measurement goes. */
    static final class Builder {
      private final int tenants;
      private final double ceiling;
      private int provisioned;
      private Duration total;
      private double operatorWrites;
      private double allWrites;
      private long settledWrites;
      private long heapIdle;
      private long heapEnd;
      private long rssIdle;
      private long rssEnd;
      private long failures;
      private List<Long> changes = List.of();
      private Duration restart;
      private long restartReconciled;
      private long restartWrites;

      Builder(int tenants, double ceiling) {
        this.tenants = tenants;
        this.ceiling = ceiling;
      }

      void idle(long heap, long rss) {
        heapIdle = heap;
        rssIdle = rss;
      }

      void provisioned(int count, Duration took, long operatorWrites, long allWrites) {
        provisioned = count;
        total = took;
        this.operatorWrites = operatorWrites / (double) tenants;
        this.allWrites = allWrites / (double) tenants;
      }

      void settledWrites(long writes) {
        settledWrites = writes;
      }

      void changes(List<Long> sortedMillis) {
        changes = sortedMillis;
      }

      void end(long heap, long rss, long failures) {
        heapEnd = heap;
        rssEnd = rss;
        this.failures = failures;
      }

      void restart(Duration took, long reconciled, long writes) {
        restart = took;
        restartReconciled = reconciled;
        restartWrites = writes;
      }

      Row build() {
        return new Row(tenants, provisioned, total, operatorWrites, allWrites, ceiling, settledWrites, heapIdle,
            heapEnd, rssIdle, rssEnd, changes, restart, restartReconciled, restartWrites, failures);
      }
    }
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
    return (long) series(metrics, l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\"")).sum();
  }

  private static long failures(String metrics) {
    return (long) series(metrics, l -> l.startsWith("operator_sdk_reconciliations_failed_total")).sum();
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
