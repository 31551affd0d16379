package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Wake on the first call on the real local node: from a call made to a hibernated tenant's
 * Service address to its answer (the activator holds it while the runtime starts), for one
 * tenant of a sleeping fleet (three runs) and for 20 woken by their calls at once; the
 * runtime's own start to Ready in the same wakes; calls after the Service is handed back; and
 * the memory the tenants take running and asleep. Run with {@code scripts/bench.sh wake}; figures go to docs/benchmarks.md.
 */
@Tag("benchmark")
class WakeBenchmark {
  static final int AT_ONCE = Integer.getInteger("bench.wake.tenants", 20);
  static final int RUNS = 3;

  @Test
  void callsWakeHibernatedTenants() throws Exception {
    Path state = TenantryCrds.checkout().resolve("e2e/target/wake-bench");
    List<String> names = Stream.iterate(1, i -> i + 1).limit(AT_ONCE).map(i -> "wake-" + i).toList();
    List<Double> singles = new ArrayList<>();
    List<Double> runtimeReady = new ArrayList<>();
    List<Double> secondCall = new ArrayList<>();
    String singlesInOrder;
    List<Double> afterHandBack = new ArrayList<>();
    List<Double> batch = new ArrayList<>();
    List<Double> batchRuntimeReady = new ArrayList<>();
    long runningBytes = 0;
    long activatorBytes;
    long asleepPods;
    double batchAll;
    int batchRefused;
    try (LocalPlatform platform = LocalPlatform.start(state,
        Map.of("TENANTRY_NODE_VOLUMES", String.valueOf(AT_ONCE + 8)))) {
      inParallel(names, name -> {
        NodeBenchmark.create(platform, name);
        return null;
      });
      platform.waitUntil(AT_ONCE + " tenants Ready", Duration.ofMinutes(15),
          () -> names.stream().allMatch(name -> "Ready".equals(platform.phase(name))), PlatformChart.NAMESPACE);
      for (String name : names) {
        prepare(platform, name);
        HttpResponse<String> made = call(platform, name, "POST", "{\"name\":\"Kept by " + name + "\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        for (Pod pod : platform.kube.pods().inNamespace("tenant-" + name).list().getItems()) {
          runningBytes += NodeBenchmark.workingSet(pod.getMetadata().getUid());
        }
      }

      // a sleeping fleet, as hibernation makes it: the single wakes are timed with nothing else running
      hibernate(platform, names);
      asleepPods = names.stream().mapToLong(name -> platform.kube.pods().inNamespace("tenant-" + name).list()
          .getItems().size()).sum();
      activatorBytes = platform.kube.pods().inNamespace(PlatformChart.NAMESPACE)
          .withLabel("app.kubernetes.io/name", "tenantry-activator").list().getItems().stream()
          .mapToLong(pod -> {
            try {
              return NodeBenchmark.workingSet(pod.getMetadata().getUid());
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).sum();

      String one = names.get(0);
      for (int run = 1; run <= RUNS; run++) {
        long start = System.nanoTime();
        HttpResponse<String> answer = call(platform, one, "GET", null);
        singles.add(NodeBenchmark.seconds(start));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("Kept by " + one);
        runtimeReady.add(runtimeStartToReady(platform, one));
        awaitHandedBack(platform, one);
        afterHandBack.add(timed(() -> call(platform, one, "GET", null)) * 1000);
        secondCall.add(timed(() -> call(platform, one, "GET", null)) * 1000);
        hibernate(platform, List.of(one));
      }
      singlesInOrder = listed(singles, "%.1f");

      long start = System.nanoTime();
      // as a well-behaved client does: a 503 with Retry-After is asked again after that long
      java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
      batch.addAll(inParallel(names, name -> {
        long own = System.nanoTime();
        HttpResponse<String> answer = call(platform, name, "GET", null);
        while (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()
            && NodeBenchmark.seconds(own) < 600) {
          refused.incrementAndGet();
          Thread.sleep(1000L * Long.parseLong(answer.headers().firstValue("Retry-After").get()));
          answer = call(platform, name, "GET", null);
        }
        assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("Kept by " + name);
        return NodeBenchmark.seconds(own);
      }));
      batchRefused = refused.get();
      batchAll = NodeBenchmark.seconds(start);
      for (String name : names) {
        batchRuntimeReady.add(runtimeStartToReady(platform, name));
      }
    }

    Collections.sort(singles);
    Collections.sort(batch);
    Collections.sort(runtimeReady);
    Collections.sort(batchRuntimeReady);
    String table = String.format("""
        | case | tenants | p50 | p95 | max |
        |---|---|---|---|---|
        | first call to a hibernated tenant, answered (3 runs) | 1 | %.1f s | %.1f s | %.1f s |
        | the same wakes: runtime container started → pod Ready | 1 | %.1f s | %.1f s | %.1f s |
        | first calls to %d hibernated tenants at once, answered (503 + Retry-After retried) | %d | %.1f s | %.1f s | %.1f s (all: %.1f s) |
        | the same wakes: runtime container started → pod Ready | %d | %.1f s | %.1f s | %.1f s |

        The single wakes, in order: %s s (the other tenants asleep). Of the %d calls at once, %d
        answers were 503 "did not wake within 30 s" before the 200 (hold timeout 30 s, Retry-After 5 s).

        The first call after the Service is handed back to the runtime: %s ms; the call after it: %s ms.

        Memory (cgroup working set): %d running tenants %.0f MiB (%.0f MiB each); the same tenants
        asleep: %d pods, 0 MiB, plus the activator's %.0f MiB for the whole platform.
        Machine: %d cores; date %s.
        """,
        NodeBenchmark.percentile(singles, 50), NodeBenchmark.percentile(singles, 95), singles.get(singles.size() - 1),
        NodeBenchmark.percentile(runtimeReady, 50), NodeBenchmark.percentile(runtimeReady, 95),
        runtimeReady.get(runtimeReady.size() - 1),
        AT_ONCE, AT_ONCE, NodeBenchmark.percentile(batch, 50), NodeBenchmark.percentile(batch, 95),
        batch.get(batch.size() - 1), batchAll,
        AT_ONCE, NodeBenchmark.percentile(batchRuntimeReady, 50), NodeBenchmark.percentile(batchRuntimeReady, 95),
        batchRuntimeReady.get(batchRuntimeReady.size() - 1),
        singlesInOrder, AT_ONCE, batchRefused, listed(afterHandBack, "%.0f"), listed(secondCall, "%.0f"),
        AT_ONCE, runningBytes / 1048576.0, runningBytes / 1048576.0 / AT_ONCE, asleepPods, activatorBytes / 1048576.0,
        Runtime.getRuntime().availableProcessors(), LocalDate.now());
    Path out = TenantryCrds.checkout().resolve("e2e/target/benchmarks/wake.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(table);
    assertThat(batch).hasSize(AT_ONCE);
  }

  /** Puts the tenants to sleep from the control API; returns once each is asleep and its Service routes to the activator. */
  static void hibernate(LocalPlatform platform, List<String> names) throws Exception {
    for (String name : names) {
      HttpResponse<String> asked = platform.rest("POST", "/api/v1/tenants/" + name + "/hibernate", Map.of());
      assertThat(asked.statusCode()).as(asked.body()).isBetween(200, 202);
    }
    for (String name : names) {
      platform.waitUntil(name + " asleep behind the activator", Duration.ofMinutes(3), () -> {
        var service = platform.kube.services().inNamespace("tenant-" + name).withName("runtime").get();
        return "Hibernated".equals(platform.phase(name))
            && platform.kube.pods().inNamespace("tenant-" + name).list().getItems().isEmpty()
            && (service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty());
      }, "tenant-" + name);
      prepare(platform, name); // and kube-proxy routes its address to the activator
    }
  }

  /** Waits until the Service selects the runtime again and its Endpoints name the pod, plus one kube-proxy sync. */
  static void awaitHandedBack(LocalPlatform platform, String name) throws Exception {
    platform.waitUntil(name + " handed back to its runtime", Duration.ofMinutes(2), () -> {
      var service = platform.kube.services().inNamespace("tenant-" + name).withName("runtime").get();
      var endpoints = platform.kube.endpoints().inNamespace("tenant-" + name).withName("runtime").get();
      List<Pod> pods = platform.kube.pods().inNamespace("tenant-" + name).list().getItems();
      return service.getSpec().getSelector() != null && !service.getSpec().getSelector().isEmpty()
          && pods.size() == 1 && endpoints.getSubsets() != null && !endpoints.getSubsets().isEmpty()
          && endpoints.getSubsets().get(0).getAddresses() != null
          && endpoints.getSubsets().get(0).getAddresses().stream()
              .anyMatch(a -> a.getIp().equals(pods.get(0).getStatus().getPodIP()));
    }, "tenant-" + name);
    Thread.sleep(2000); // kube-proxy's minimum sync period is 1 s: the rules follow the Endpoints by then
    prepare(platform, name);
  }

  /** From the runtime container's start to the pod's Ready condition, in seconds. */
  static double runtimeStartToReady(LocalPlatform platform, String name) {
    Pod pod = platform.kube.pods().inNamespace("tenant-" + name).list().getItems().get(0);
    Instant running = Instant.parse(pod.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt());
    return Duration.between(running, NodeBenchmark.condition(pod, "Ready")).toMillis() / 1000.0;
  }

  /** Tokens and addresses are had before the clock starts: the call is all that is timed. */
  static final Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();
  static final Map<String, URI> ADDRESSES = new java.util.concurrent.ConcurrentHashMap<>();

  static void prepare(LocalPlatform platform, String name) throws Exception {
    TOKENS.putIfAbsent(name, platform.tenantToken(name));
    ADDRESSES.put(name, platform.runtimeUri(name));
  }

  static HttpResponse<String> call(LocalPlatform platform, String name, String method, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(ADDRESSES.get(name).resolve("/api/v1/projects"))
        .header("Authorization", "Bearer " + TOKENS.get(name)).timeout(Duration.ofMinutes(2));
    return platform.http.send(body == null ? request.GET().build()
        : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  interface Call<T> {
    T run(String name) throws Exception;
  }

  static <T> List<T> inParallel(List<String> names, Call<T> call) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(names.size());
    try {
      List<Future<T>> running = new ArrayList<>();
      for (String name : names) {
        running.add(threads.submit(() -> call.run(name)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> done : running) {
        results.add(done.get());
      }
      return results;
    } finally {
      threads.shutdownNow();
    }
  }

  static double timed(java.util.concurrent.Callable<HttpResponse<String>> call) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> answer = call.call();
    double seconds = NodeBenchmark.seconds(start);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return seconds;
  }

  /** The values in their order, each in {@code format}, comma-separated. */
  static String listed(List<Double> values, String format) {
    return values.stream().map(v -> String.format(format, v)).reduce((a, b) -> a + ", " + b).orElse("-");
  }
}
