package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Time from createTenant to phase Ready with the runtime pod Ready on the real local node, for
 * one tenant (three runs) and for 20 created at once, and the memory each running tenant takes.
 * Run with {@code scripts/bench.sh node}; figures go to docs/benchmarks.md.
 */
@Tag("benchmark")
class NodeBenchmark {
  static final int AT_ONCE = Integer.getInteger("bench.node.tenants", 20);
  static final String PLAN = System.getProperty("bench.node.plan", "free");

  @Test
  void tenantsFromCreateToReady() throws Exception {
    Path state = TenantryCrds.checkout().resolve("e2e/target/node-bench");
    List<Double> singles = new ArrayList<>();
    List<String> stages = new ArrayList<>();
    Map<String, Double> batch = new ConcurrentHashMap<>();
    List<Long> podBytes = new ArrayList<>();
    double batchTotal;
    try (LocalPlatform platform = LocalPlatform.start(state,
        Map.of("TENANTRY_NODE_VOLUMES", String.valueOf(AT_ONCE + 8)))) {
      for (int run = 1; run <= 3; run++) {
        String name = "single-" + run;
        long start = System.nanoTime();
        create(platform, name);
        platform.waitUntil(name + " Ready", Duration.ofMinutes(5), () -> "Ready".equals(platform.phase(name)),
            "tenant-" + name);
        singles.add(seconds(start));
        stages.add(stages(platform, name));
        platform.graphql("mutation($n: String!) { deleteTenant(name: $n) { name } }", Map.of("n", name));
        platform.waitUntil(name + " gone", Duration.ofMinutes(3),
            () -> platform.kube.namespaces().withName("tenant-" + name).get() == null, PlatformChart.NAMESPACE);
      }

      long start = System.nanoTime();
      List<String> names = Stream.iterate(1, i -> i + 1).limit(AT_ONCE).map(i -> "batch-" + i).toList();
      ExecutorService writers = Executors.newFixedThreadPool(AT_ONCE);
      try {
        List<Future<Object>> created = new ArrayList<>();
        for (String name : names) {
          created.add(writers.submit(() -> {
            create(platform, name);
            return null;
          }));
        }
        for (Future<Object> done : created) {
          done.get();
        }
      } finally {
        writers.shutdownNow();
      }
      platform.waitUntil(AT_ONCE + " tenants Ready", Duration.ofMinutes(15), () -> {
        for (String name : names) {
          if (!batch.containsKey(name) && "Ready".equals(platform.phase(name))) {
            batch.put(name, seconds(start));
          }
        }
        return batch.size() == names.size();
      }, PlatformChart.NAMESPACE);
      batchTotal = seconds(start);
      for (String name : names) {
        for (Pod pod : platform.kube.pods().inNamespace("tenant-" + name).list().getItems()) {
          podBytes.add(workingSet(pod.getMetadata().getUid()));
        }
      }
    }

    List<Double> batchTimes = new ArrayList<>(batch.values());
    Collections.sort(batchTimes);
    Collections.sort(singles);
    Collections.sort(podBytes);
    String table = String.format("""
        | case | tenants | p50 | p95 | max | all Ready after |
        |---|---|---|---|---|---|
        | one at a time (3 runs) | 1 | %.1f s | %.1f s | %.1f s | — |
        | created at once | %d | %.1f s | %.1f s | %.1f s | %.1f s |

        Memory per running tenant pod (cgroup working set, %d pods): median %.0f MiB, max %.0f MiB.
        Plan `%s`; machine: %d cores; date %s.

        Where a single tenant's time goes (Kubernetes timestamps, whole seconds; the JVM's own figures
        from the runtime's log):

        | run | Tenant created → pod created | → pod scheduled | → container running | JVM: started in (process running for) | → pod Ready |
        |---|---|---|---|---|---|
        %s
        """, percentile(singles, 50), percentile(singles, 95), singles.get(singles.size() - 1),
        AT_ONCE, percentile(batchTimes, 50), percentile(batchTimes, 95), batchTimes.get(batchTimes.size() - 1),
        batchTotal, podBytes.size(), podBytes.get(podBytes.size() / 2) / 1048576.0,
        podBytes.get(podBytes.size() - 1) / 1048576.0, PLAN, Runtime.getRuntime().availableProcessors(), LocalDate.now(),
        String.join("\n", stages));
    Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/node.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(table);
    assertThat(batch).hasSize(AT_ONCE);
  }

  static void create(LocalPlatform platform, String name) throws Exception {
    platform.graphql("mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }",
        Map.of("input", Map.of("name", name, "plan", PLAN, "replicas", 1,
            "owners", List.of(Map.of("kind", "User", "name", "bench@tenantry.dev")))));
  }

  /** One row of the single tenant's stages, each from the Tenant's creation, read once it is Ready. */
  static String stages(LocalPlatform platform, String name) {
    Instant created = Instant.parse(platform.kube.resources(Tenant.class).withName(name).get().getMetadata()
        .getCreationTimestamp());
    Pod pod = platform.kube.pods().inNamespace("tenant-" + name).list().getItems().get(0);
    Instant podCreated = Instant.parse(pod.getMetadata().getCreationTimestamp());
    Instant running = Instant.parse(pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt());
    Matcher jvm = Pattern.compile("Started TenantRuntimeApplication in ([0-9.]+) seconds \\(process running for ([0-9.]+)\\)")
        .matcher(platform.kube.pods().inNamespace("tenant-" + name).withName(pod.getMetadata().getName()).getLog());
    return String.format("| %s | %d s | %d s | %d s | %s | %d s |", name, Duration.between(created, podCreated).toSeconds(),
        Duration.between(created, condition(pod, "PodScheduled")).toSeconds(),
        Duration.between(created, running).toSeconds(),
        jvm.find() ? jvm.group(1) + " s (" + jvm.group(2) + " s)" : "not in the log",
        Duration.between(created, condition(pod, "Ready")).toSeconds());
  }

  static Instant condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .map(c -> Instant.parse(c.getLastTransitionTime())).findFirst().orElseThrow();
  }

  /** What kubelet calls the working set: usage less inactive file pages, of the pod's memory cgroup. */
  static long workingSet(String podUid) throws IOException {
    Path root = Path.of("/sys/fs/cgroup/memory/kubepods");
    try (Stream<Path> dirs = Files.walk(root, 2)) {
      Path pod = dirs.filter(d -> d.getFileName().toString().equals("pod" + podUid)).findFirst()
          .orElseThrow(() -> new IOException("no memory cgroup for pod " + podUid));
      long usage = Long.parseLong(Files.readString(pod.resolve("memory.usage_in_bytes")).trim());
      long inactiveFile = Files.readAllLines(pod.resolve("memory.stat")).stream()
          .filter(l -> l.startsWith("total_inactive_file ")).mapToLong(l -> Long.parseLong(l.split(" ")[1]))
          .findFirst().orElse(0);
      return usage - inactiveFile;
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
