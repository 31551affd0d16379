package dev.tenantry.e2e.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tenantry.crds.plan.TenantPlan;
import dev.tenantry.crds.tenant.Owner;
import dev.tenantry.crds.tenant.RuntimeOverrides;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.crds.tenant.TenantSpec;
import dev.tenantry.e2e.LocalCluster;
import dev.tenantry.runtime.grpc.v1.ListProjectsRequest;
import dev.tenantry.runtime.grpc.v1.ProjectServiceGrpc;
import dev.tenantry.testkit.PlatformChart;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fast start, side by side: the runtime image as it was on Java 17 (a class-data-sharing archive;
 * built by scripts/bench.sh start from the baseline commit) against today's Java 25 image with its
 * AOT cache. On the host: process start to Ready, CPU and RSS. On the real node, on a copy of plan
 * {@code free} with gRPC on: {@code kubectl apply} to Tenant Ready one at a time, the first REST
 * and gRPC call to a hibernated tenant (a stock gRPC client, no retry), 20 hibernated tenants
 * called at once, memory; and today's image at a 1-CPU limit. Figures go to docs/benchmarks.md.
 */
@Tag("benchmark")
class StartBenchmark {
  static final int TENANTS = Integer.getInteger("bench.start.tenants", 20);
  static final int TIMED = Integer.getInteger("bench.start.timed", 10);
  static final int HOST_RUNS = 5;
  static final int WAKES = 3;
  static final String PLAN = "bench-free";
  static final Path CHECKOUT = TenantryCrds.checkout();
  static final Path BASELINE = Path.of(System.getProperty("bench.start.baseline", "missing"));

  /** One runtime image under test: its tarball, its tag, the JDK its entrypoint runs on the host. */
  record Variant(String label, Path tarball, String image, Path javaHome) {
    Path layout() {
      return tarball.getParent().resolve("image-layout");
    }
  }

  /** The figures of one variant on the node. */
  record NodeFigures(List<Double> applyToReady, List<Double> startToReady, List<Double> restWakes,
      List<String> grpcWakes, List<Double> batch, double batchAll, int batchRetries, long runningBytes) {}

  @Test
  void startsSideBySide() throws Exception {
    Variant before = new Variant("Java 17 + CDS (before)", BASELINE.resolve("tenant-runtime/target/jib-image.tar"),
        "tenantry/tenant-runtime:0.1.0-java17", Path.of("/usr/lib/jvm/java-17-openjdk-amd64"));
    Variant after = new Variant("Java 25 + AOT cache", CHECKOUT.resolve("tenant-runtime/target/jib-image.tar"),
        "tenantry/tenant-runtime:0.1.0", Path.of(System.getProperty("java.home")));
    assertThat(before.tarball()).as("the baseline image: scripts/bench.sh start builds it").exists();

    Map<String, HostStart> host = new LinkedHashMap<>();
    List<HostStart> beforeRuns = new ArrayList<>();
    List<HostStart> afterRuns = new ArrayList<>();
    List<HostStart> noCacheRuns = new ArrayList<>();
    for (int run = 0; run < HOST_RUNS; run++) { // alternating, so that a busy moment hits each alike
      beforeRuns.add(HostStart.measure(before, entrypoint(before.tarball()), List.of()));
      afterRuns.add(HostStart.measure(after, entrypoint(after.tarball()), List.of()));
      noCacheRuns.add(HostStart.measure(after, entrypoint(after.tarball()), List.of("-XX:AOTCache=app.aot")));
    }
    host.put(before.label(), HostStart.median(beforeRuns));
    host.put(after.label(), HostStart.median(afterRuns));
    host.put("Java 25, no AOT cache", HostStart.median(noCacheRuns));

    Path state = CHECKOUT.resolve("e2e/target/start-bench");
    NodeFigures beforeNode;
    NodeFigures afterNode;
    List<Double> afterOneCpu;
    // local volumes are not reused once released: room for both variants, the 1-CPU tenants and spare
    try (LocalPlatform platform = LocalPlatform.start(state, Map.of("TENANTRY_NODE_VOLUMES", String.valueOf(2 * TENANTS + 10),
        "TENANTRY_NODE_EXTRA_IMAGES", before.tarball().toString()))) {
      benchPlan(platform);
      beforeNode = onNode(platform, before, "old");
      afterNode = onNode(platform, after, "new");
      afterOneCpu = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        String name = "cpu-" + i;
        apply(platform, name, after.image(), "1");
        awaitReady(platform, name);
        afterOneCpu.add(WakeBenchmark.runtimeStartToReady(platform, name));
        platform.kube.resources(Tenant.class).withName(name).delete();
      }
      Collections.sort(afterOneCpu);
    }

    StringBuilder table = new StringBuilder("""
        | case | %s | %s |
        |---|---|---|
        """.formatted(before.label(), after.label()));
    HostStart hostBefore = host.get(before.label());
    HostStart hostAfter = host.get(after.label());
    table.append(row("runtime start → Ready on the host (median of %d)".formatted(HOST_RUNS),
        "%.2f s".formatted(hostBefore.seconds()), "%.2f s".formatted(hostAfter.seconds())));
    table.append(row("CPU spent to Ready on the host", "%.1f s".formatted(hostBefore.cpuSeconds()),
        "%.1f s".formatted(hostAfter.cpuSeconds())));
    table.append(row("RSS at Ready on the host", "%.0f MiB".formatted(hostBefore.rssMiB()),
        "%.0f MiB".formatted(hostAfter.rssMiB())));
    table.append(row("runtime container started → pod Ready, `free` pod (500m limit), p50 / p95 of " + TIMED,
        pair(beforeNode.startToReady()), pair(afterNode.startToReady())));
    table.append(row("`kubectl apply` → Tenant Ready, p50 / p95 of " + TIMED + " one at a time",
        pair(beforeNode.applyToReady()), pair(afterNode.applyToReady())));
    table.append(row("first REST call to a hibernated tenant, answered (" + WAKES + " runs, p50 / max)",
        pair(beforeNode.restWakes()), pair(afterNode.restWakes())));
    table.append(row("first gRPC call to a hibernated tenant, stock client, no retry (" + WAKES + " runs)",
        String.join(", ", beforeNode.grpcWakes()), String.join(", ", afterNode.grpcWakes())));
    table.append(row(TENANTS + " hibernated tenants called at once: p50 / p95, all answered (retries: 503 or connect timeout)",
        pair(beforeNode.batch()) + ", %.1f s (%d)".formatted(beforeNode.batchAll(), beforeNode.batchRetries()),
        pair(afterNode.batch()) + ", %.1f s (%d)".formatted(afterNode.batchAll(), afterNode.batchRetries())));
    table.append(row("memory of " + TENANTS + " running tenants (cgroup working set), per tenant",
        "%.0f MiB".formatted(beforeNode.runningBytes() / 1048576.0 / TENANTS),
        "%.0f MiB".formatted(afterNode.runningBytes() / 1048576.0 / TENANTS)));
    table.append(row("runtime image (tarball)", "%.0f MiB".formatted(Files.size(before.tarball()) / 1048576.0),
        "%.0f MiB".formatted(Files.size(after.tarball()) / 1048576.0)));
    table.append("""

        Java 25 without its AOT cache on the host: %.2f s to Ready, %.1f s CPU. Today's image in a pod
        with a 1-CPU limit instead of 500m: container started → Ready p50 %.1f s, max %.1f s (5 tenants).
        Other images (tarballs): %s. Machine: %d cores; date %s; baseline %s.
        """.formatted(host.get("Java 25, no AOT cache").seconds(), host.get("Java 25, no AOT cache").cpuSeconds(),
        NodeBenchmark.percentile(afterOneCpu, 50), afterOneCpu.get(afterOneCpu.size() - 1), otherImages(),
        Runtime.getRuntime().availableProcessors(), LocalDate.now(), BASELINE.getFileName()));
    Path out = CHECKOUT.resolve("e2e/target/benchmarks/start.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(table);
    assertThat(afterNode.batch()).hasSize(TENANTS);
  }

  /** Tenants of one image: created and timed, measured running, hibernated, woken one and then all at once, deleted. */
  static NodeFigures onNode(LocalPlatform platform, Variant variant, String prefix) throws Exception {
    List<String> names = IntStream.rangeClosed(1, TENANTS).mapToObj(i -> prefix + "-" + i).toList();
    List<Double> applyToReady = new ArrayList<>();
    List<Double> startToReady = new ArrayList<>();
    for (String name : names.subList(0, TIMED)) {
      long start = System.nanoTime();
      apply(platform, name, variant.image(), null);
      awaitReady(platform, name);
      applyToReady.add(NodeBenchmark.seconds(start));
      startToReady.add(WakeBenchmark.runtimeStartToReady(platform, name));
    }
    for (String name : names.subList(TIMED, TENANTS)) {
      apply(platform, name, variant.image(), null);
    }
    long runningBytes = 0;
    for (String name : names) {
      awaitReady(platform, name);
      WakeBenchmark.prepare(platform, name);
      HttpResponse<String> made = WakeBenchmark.call(platform, name, "POST", "{\"name\":\"Kept by " + name + "\"}");
      assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
      for (Pod pod : platform.kube.pods().inNamespace("tenant-" + name).list().getItems()) {
        runningBytes += NodeBenchmark.workingSet(pod.getMetadata().getUid());
      }
    }
    WakeBenchmark.hibernate(platform, names);

    String one = names.get(0);
    List<Double> restWakes = new ArrayList<>();
    List<String> grpcWakes = new ArrayList<>();
    for (int run = 0; run < WAKES; run++) {
      long start = System.nanoTime();
      HttpResponse<String> answer = WakeBenchmark.call(platform, one, "GET", null);
      restWakes.add(NodeBenchmark.seconds(start));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      WakeBenchmark.awaitHandedBack(platform, one);
      WakeBenchmark.hibernate(platform, List.of(one));
      grpcWakes.add(grpcWake(platform, one));
      WakeBenchmark.awaitHandedBack(platform, one);
      WakeBenchmark.hibernate(platform, List.of(one));
    }
    Collections.sort(restWakes);

    long start = System.nanoTime();
    java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();
    List<Double> batch = new ArrayList<>(WakeBenchmark.inParallel(names, name -> {
      long own = System.nanoTime();
      HttpResponse<String> answer = patientCall(platform, name, retried);
      while (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()
          && NodeBenchmark.seconds(own) < 600) {
        retried.incrementAndGet();
        Thread.sleep(1000L * Long.parseLong(answer.headers().firstValue("Retry-After").get()));
        answer = patientCall(platform, name, retried);
      }
      assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(200);
      return NodeBenchmark.seconds(own);
    }));
    double batchAll = NodeBenchmark.seconds(start);
    Collections.sort(batch);
    Collections.sort(applyToReady);
    Collections.sort(startToReady);
    for (String name : names) {
      platform.kube.resources(Tenant.class).withName(name).delete();
    }
    platform.waitUntil("the " + prefix + " tenants gone", Duration.ofMinutes(5), () -> names.stream()
        .allMatch(name -> platform.kube.namespaces().withName("tenant-" + name).get() == null), PlatformChart.NAMESPACE);
    return new NodeFigures(applyToReady, startToReady, restWakes, grpcWakes, batch, batchAll, retried.get(),
        runningBytes);
  }

  /** A call as a well-behaved client makes it under load: a connect that timed out is tried again. */
  static HttpResponse<String> patientCall(LocalPlatform platform, String name,
      java.util.concurrent.atomic.AtomicInteger retried) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return WakeBenchmark.call(platform, name, "GET", null);
      } catch (java.net.http.HttpConnectTimeoutException e) {
        retried.incrementAndGet();
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  /** A copy of plan free with gRPC on, so that its tenants can be called over every protocol. */
  static void benchPlan(LocalPlatform platform) {
    TenantPlan free = platform.kube.resources(TenantPlan.class).withName("free").get();
    TenantPlan copy = new TenantPlan();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(PLAN);
    copy.setMetadata(meta);
    copy.setSpec(free.getSpec());
    copy.getSpec().getFeatures().setGrpc(true);
    copy.getSpec().setDescription("plan free with gRPC on, for scripts/bench.sh start");
    platform.kube.resource(copy).serverSideApply();
  }

  static void apply(LocalPlatform platform, String name, String image, String cpuLimit) {
    Tenant tenant = new Tenant();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    tenant.setMetadata(meta);
    TenantSpec spec = new TenantSpec();
    spec.setDisplayName(name);
    spec.setPlan(PLAN);
    spec.setOwners(List.of(new Owner(Owner.Kind.User, "bench@tenantry.dev")));
    RuntimeOverrides runtime = new RuntimeOverrides();
    runtime.setImage(image);
    if (cpuLimit != null) {
      runtime.setResources(new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("50m"))
          .addToRequests("memory", new Quantity("160Mi")).addToLimits("cpu", new Quantity(cpuLimit))
          .addToLimits("memory", new Quantity("384Mi")).build());
    }
    spec.setRuntime(runtime);
    tenant.setSpec(spec);
    platform.kube.resource(tenant).create();
  }

  static void awaitReady(LocalPlatform platform, String name) {
    platform.waitUntil(name + " Ready", Duration.ofMinutes(10), () -> "Ready".equals(platform.phase(name)),
        "tenant-" + name);
  }

  /** The first gRPC call to a sleeping tenant as a stock client makes it: TLS, no wait-for-ready, no retry. */
  static String grpcWake(LocalPlatform platform, String name) throws Exception {
    URI runtime = WakeBenchmark.ADDRESSES.get(name);
    ManagedChannel channel = LocalNodeTest.grpcChannel(runtime, name, platform.kube);
    long start = System.nanoTime();
    try {
      ProjectServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .withCallCredentials(LocalNodeTest.bearer(WakeBenchmark.TOKENS.get(name)))
          .listProjects(ListProjectsRequest.newBuilder().build());
      return "%.1f s".formatted(NodeBenchmark.seconds(start));
    } catch (StatusRuntimeException e) {
      return "%s after %.1f s".formatted(e.getStatus().getCode(), NodeBenchmark.seconds(start));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The image's own entrypoint, read from its config in the tarball. */
  static List<String> entrypoint(Path tarball) throws Exception {
    Process tar = new ProcessBuilder("tar", "-xOf", tarball.toString(), "config.json").start();
    JsonNode config = LocalPlatform.JSON.readTree(tar.getInputStream());
    assertThat(tar.waitFor()).isZero();
    List<String> command = new ArrayList<>();
    config.at("/config/Entrypoint").forEach(arg -> command.add(arg.asText()));
    return command;
  }

  static String otherImages() throws IOException {
    List<String> sizes = new ArrayList<>();
    for (String app : List.of("operator", "control-api", "activator")) {
      sizes.add("%s %.0f MiB".formatted(app, Files.size(CHECKOUT.resolve(app + "/target/jib-image.tar")) / 1048576.0));
    }
    return String.join(", ", sizes);
  }

  static String pair(List<Double> sorted) {
    return "%.1f s / %.1f s".formatted(NodeBenchmark.percentile(sorted, 50),
        sorted.size() <= WAKES ? sorted.get(sorted.size() - 1) : NodeBenchmark.percentile(sorted, 95));
  }

  static String row(String what, String before, String after) {
    return "| " + what + " | " + before + " | " + after + " |\n";
  }

  /** One start of the runtime on the host from its image layout, with its image's command line. */
  record HostStart(double seconds, double cpuSeconds, double rssMiB) {
    static HostStart measure(Variant variant, List<String> entrypoint, List<String> without) throws Exception {
      // under the build directory, not /tmp: each run's data goes with `mvn clean`
      Path data = Files.createTempDirectory(Files.createDirectories(CHECKOUT.resolve("e2e/target/start-bench-host")), "run");
      int http = LocalCluster.freePort();
      int management = LocalCluster.freePort();
      List<String> command = new ArrayList<>(entrypoint);
      command.removeAll(without);
      command.set(0, variant.javaHome().resolve("bin/java").toString());
      ProcessBuilder builder = new ProcessBuilder(command).directory(variant.layout().toFile())
          .redirectErrorStream(true).redirectOutput(data.resolve("log").toFile());
      builder.environment().putAll(Map.of("TENANTRY_DEV_MODE", "true", "TENANTRY_DATA_DIR", data.toString(),
          "SERVER_PORT", String.valueOf(http), "TENANTRY_GRPC_PORT", String.valueOf(LocalCluster.freePort()),
          "MANAGEMENT_SERVER_PORT", String.valueOf(management)));
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
          + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
      long start = System.nanoTime();
      Process runtime = builder.start();
      try {
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
          assertThat(runtime.isAlive()).as("the runtime exited: %s", Files.readString(data.resolve("log"))).isTrue();
          assertThat(Instant.now()).as("Ready within 2 minutes").isBefore(deadline);
          try {
            if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
              break;
            }
          } catch (IOException notYet) {
            // not listening yet
          }
          Thread.sleep(20);
        }
        double seconds = NodeBenchmark.seconds(start);
        String[] stat = Files.readString(Path.of("/proc/" + runtime.pid() + "/stat")).split("\\) ")[1].split(" ");
        double cpu = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0; // utime + stime, in ticks
        long rssKib = Files.readAllLines(Path.of("/proc/" + runtime.pid() + "/status")).stream()
            .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).sum();
        return new HostStart(seconds, cpu, rssKib / 1024.0);
      } finally {
        runtime.toHandle().destroy();
        runtime.waitFor(30, TimeUnit.SECONDS);
        runtime.destroyForcibly();
      }
    }

    static HostStart median(List<HostStart> runs) {
      List<HostStart> sorted = new ArrayList<>(runs);
      sorted.sort(java.util.Comparator.comparingDouble(HostStart::seconds));
      return sorted.get(sorted.size() / 2);
    }
  }
}
