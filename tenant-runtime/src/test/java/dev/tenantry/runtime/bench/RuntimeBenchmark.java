package dev.tenantry.runtime.bench;

import dev.tenantry.runtime.RuntimeTestSupport;
import dev.tenantry.runtime.grpc.BearerToken;
import dev.tenantry.runtime.grpc.GrpcServer;
import dev.tenantry.runtime.grpc.v1.GetTaskRequest;
import dev.tenantry.runtime.grpc.v1.Task;
import dev.tenantry.runtime.grpc.v1.TaskServiceGrpc;
import dev.tenantry.runtime.grpc.v1.TaskStatus;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Side by side on this machine: REST and GraphQL reads against a bare WebFlux router function
 * (and, for scale, a bare Reactor Netty handler) returning the same JSON; gRPC GetTask against a bare grpc-java service; WebSocket
 * fan-out of one command's event to 1,000 subscribers; createTask throughput on H2 and
 * PostgreSQL; the jar's time to ready and idle RSS. Run with {@code scripts/bench.sh runtime};
 * not part of the test suite. Load comes from this JVM over loopback, with fixed concurrency.
 */
@Tag("benchmark")
class RuntimeBenchmark {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));
  /**
   * Warm-up runs in rounds of this length until throughput stops rising: on two cores C2 needs
   * a minute or more under load to compile the Spring stack's hot paths (REST went from 680/s in
   * the first 15 s to 6,400/s after 90 s), and a fixed 3 or 12 s measured the compiler.
   */
  static final Duration WARM_UP_ROUND = Duration.ofSeconds(5);
  static final Duration WARM_UP_MAX = Duration.ofSeconds(Integer.getInteger("bench.warmup.max", 300));
  static final int CONCURRENCY = 32;
  static final java.lang.management.CompilationMXBean JIT = java.lang.management.ManagementFactory.getCompilationMXBean();
  static final String FAN_OUT_MARKER = "\"title\":\"fan-";

  @TempDir
  Path dir;

  record Result(String what, double perSecond, double p50Millis, double p99Millis) {}

  @Test
  void benchmark() throws Exception {
    List<String> rows = new ArrayList<>();
    if (runs("startup")) {
      rows.addAll(startupAndIdleRss());
    }
    try (var runtime = start(dir.resolve("h2"), Map.of())) {
      int port = ((WebServerApplicationContext) runtime).getWebServer().getPort();
      String token = RuntimeTestSupport.member();
      String projectId = post(port, "/api/v1/projects", "{\"name\":\"Bench\"}", token).path("id").asString();
      JsonNode task = post(port, "/api/v1/projects/" + projectId + "/tasks",
          "{\"title\":\"Benchmark me\",\"labels\":[\"perf\"]}", token);
      String taskId = task.path("id").asString();
      byte[] body = JSON.writeValueAsBytes(task);

      if (runs("http")) {
        rows.addAll(httpRows(port, taskId, token, body));
      }
      if (runs("grpc")) {
        rows.addAll(grpcRows(runtime.getBean(GrpcServer.class).port(), taskId, projectId, token));
      }
      if (runs("fanout")) {
        rows.add(fanOut(port, projectId, token, 1000));
      }
      if (runs("create")) {
        rows.add(row(createThroughput("createTask/s on H2", port, projectId, token), null));
      }
    }
    if (!runs("create")) {
      writeTable(rows);
      return;
    }
    String database = RuntimeTestSupport.newPostgresDatabase();
    try (var postgres = start(dir.resolve("pg"), Map.of("tenantry.storage", "postgres",
        "tenantry.db-url", "postgresql://127.0.0.1:5432/" + database, "tenantry.db-user", "postgres"))) {
      int port = ((WebServerApplicationContext) postgres).getWebServer().getPort();
      String token = RuntimeTestSupport.member();
      String projectId = post(port, "/api/v1/projects", "{\"name\":\"Bench\"}", token).path("id").asString();
      rows.add(row(createThroughput("createTask/s on PostgreSQL", port, projectId, token), null));
    } finally {
      RuntimeTestSupport.dropPostgresDatabase(database);
    }

    writeTable(rows);
  }

  /** REST and GraphQL reads of one task against a bare WebFlux handler (and bare Reactor Netty). */
  List<String> httpRows(int port, String taskId, String token, byte[] body) throws Exception {
    List<String> rows = new ArrayList<>();
    // the baseline: a bare WebFlux handler (a router function, no Boot, no security,
    // no database) returning the same JSON; and for scale a bare Reactor Netty handler
    DisposableServer bareWebFlux = HttpServer.create().host("127.0.0.1").port(0)
        .handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(RouterFunctions.route(
            RequestPredicates.GET("/api/v1/tasks/{id}"),
            request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body)))))
        .bindNow();
    DisposableServer bareNetty = HttpServer.create().host("127.0.0.1").port(0)
        .route(routes -> routes.get("/api/v1/tasks/{id}", (request, response) -> response
            .header("Content-Type", "application/json").sendByteArray(reactor.core.publisher.Mono.just(body))))
        .bindNow();
    try {
      Result nettyHttp = http("bare Reactor Netty handler (for scale)", URI.create("http://127.0.0.1:"
          + bareNetty.port() + "/api/v1/tasks/" + taskId), null, null);
      Result bareHttp = http("bare WebFlux handler (baseline)", URI.create("http://127.0.0.1:" + bareWebFlux.port()
          + "/api/v1/tasks/" + taskId), null, null);
      Result rest = http("REST GET /api/v1/tasks/{id}", URI.create("http://127.0.0.1:" + port
          + "/api/v1/tasks/" + taskId), token, null);
      Result graphql = http("GraphQL task(id)", URI.create("http://127.0.0.1:" + port + "/graphql"), token,
          "{\"query\":\"{ task(id: \\\"" + taskId + "\\\") { id projectId title description status position"
              + " assignee labels dueDate version } }\"}");
      rows.add(row(nettyHttp, nettyHttp));
      rows.add(row(bareHttp, bareHttp));
      rows.add(row(rest, bareHttp));
      rows.add(row(graphql, bareHttp));
    } finally {
      bareWebFlux.disposeNow();
      bareNetty.disposeNow();
    }
    return rows;
  }

  /** gRPC GetTask against a bare grpc-java service answering the same message. */
  List<String> grpcRows(int grpcPort, String taskId, String projectId, String token) throws Exception {
    List<String> rows = new ArrayList<>();
    Server bareGrpc = bareGrpc(taskId, projectId);
    try {
      Result bareResult = grpc("bare grpc-java GetTask", bareGrpc.getPort(), taskId, null);
      Result grpcResult = grpc("gRPC GetTask", grpcPort, taskId, token);
      rows.add(row(bareResult, bareResult));
      rows.add(row(grpcResult, bareResult));
    } finally {
      bareGrpc.shutdownNow();
    }
    return rows;
  }

  /** The JIT compiled for less than 5% of a warm-up round that began when its total was {@code compiledBefore}. */
  static boolean jitSettled(long compiledBefore, long roundMillis) {
    return JIT.getTotalCompilationTime() - compiledBefore < roundMillis / 20;
  }

  /** Parts to run, from {@code -Dbench.only=startup,http,grpc,fanout,create} (all by default). */
  static boolean runs(String part) {
    String only = System.getProperty("bench.only", "");
    return only.isBlank() || List.of(only.split(",")).contains(part);
  }

  static void writeTable(List<String> rows) throws java.io.IOException {
    writeReport("runtime.md", "RUNTIME BENCHMARK", "| measurement | per second | p50 | p99 | vs baseline |\n|---|---|---|---|---|\n"
        + String.join("\n", rows) + "\n");
  }

  /** Writes a benchmark's table to {@code target/benchmarks/<file>} and prints it under {@code heading}. */
  static void writeReport(String file, String heading, String table) throws java.io.IOException {
    Path out = Path.of("target/benchmarks", file);
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.println(heading + "\n" + table);
  }

  static ConfigurableApplicationContext start(Path dir, Map<String, Object> extra) {
    Map<String, Object> all = new HashMap<>(RuntimeTestSupport.embedded(dir));
    all.putAll(Map.of("logging.level.root", "WARN",
        "management.tracing.sampling.probability", System.getProperty("bench.sampling", "0.1")));
    all.putAll(extra);
    return RuntimeTestSupport.start(all);
  }

  /** The fat jar as the README starts it, and the image's layout as a small pod starts it. */
  List<String> startupAndIdleRss() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> rows = new ArrayList<>();
    Path jar = Path.of("target/tenant-runtime.jar");
    rows.add(Files.isRegularFile(jar)
        ? startup("`java -jar tenant-runtime.jar`", Path.of("."), List.of(java, "-jar", jar.toString()))
        : "| jar not built: startup not measured | | | | |");
    Path layout = Path.of("target/image-layout");
    rows.add(Files.isRegularFile(layout.resolve("app.aot"))
        ? startup("the image's layout (Spring AOT, AOT cache, C1 only as in a pod of at most 500m CPU)", layout,
            List.of(java, "-XX:+UseSerialGC", "-Xss512k", "-Xms32m", "-XX:AOTCache=app.aot", "-XX:AOTMode=on",
                "-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1", "-jar", "tenant-runtime.jar"))
        : "| image layout not built (`mvn -Pimages verify`): not measured | | | | |");
    return rows;
  }

  /** Time and CPU to readiness (JVM start included), then resident memory after five idle seconds. */
  String startup(String what, Path workingDirectory, List<String> command) throws Exception {
    int port = freePort();
    int management = freePort();
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("startup.log").toFile());
    builder.environment().putAll(Map.of("TENANTRY_DEV_MODE", "true", "TENANTRY_DATA_DIR",
        dir.resolve("dev-" + port).toAbsolutePath().toString(),
        "SERVER_PORT", String.valueOf(port), "MANAGEMENT_SERVER_PORT", String.valueOf(management),
        "TENANTRY_GRPC_PORT", String.valueOf(freePort())));
    long started = System.nanoTime();
    Process process = builder.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      URI readiness = URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness");
      while (true) {
        try {
          if (client.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
              .statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        TimeUnit.MILLISECONDS.sleep(50);
        if (!process.isAlive() || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
          throw new IllegalStateException(what + " did not get ready in 60 s: "
              + Files.readString(dir.resolve("startup.log")));
        }
      }
      double ready = (System.nanoTime() - started) / 1e9;
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s
      String[] stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat")).replaceAll(".*\\) ", "").split(" ");
      double cpu = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0;
      TimeUnit.SECONDS.sleep(5);
      long rss = Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst()
          .orElse(-1) / 1024;
      return String.format("| %s (dev mode, H2): ready after %.2f s and %.1f CPU-s (JVM start included),"
          + " idle RSS %d MiB | | | | |", what, ready, cpu, rss);
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  Result http(String what, URI uri, String token, String graphqlBody) throws Exception {
    var client = reactor.netty.http.client.HttpClient.create(ConnectionProvider.create("bench", CONCURRENCY))
        .headers(h -> {
          if (token != null) {
            h.set("Authorization", "Bearer " + token);
          }
          h.set("Content-Type", "application/json");
        });
    return load(what, () -> {
      var request = graphqlBody == null ? client.get().uri(uri)
          : client.post().uri(uri).send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just(graphqlBody)));
      return request.responseSingle((response, content) -> content.asByteArray().map(bytes -> {
        if (response.status().code() != 200) {
          throw new IllegalStateException(what + " answered " + response.status());
        }
        return bytes.length;
      })).toFuture();
    });
  }

  Result grpc(String what, int port, String taskId, String token) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      var stub = TaskServiceGrpc.newFutureStub(channel);
      var authorized = token == null ? stub : stub.withCallCredentials(new BearerToken(token));
      GetTaskRequest request = GetTaskRequest.newBuilder().setId(taskId).build();
      return load(what, () -> {
        CompletableFuture<Object> done = new CompletableFuture<>();
        var future = authorized.withDeadlineAfter(10, TimeUnit.SECONDS).getTask(request);
        future.addListener(() -> {
          try {
            done.complete(future.get());
          } catch (Exception e) {
            done.completeExceptionally(e);
          }
        }, Runnable::run);
        return done;
      });
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * Keeps CONCURRENCY requests in flight for RUN, recording each latency, after a warm-up that
   * lasts until throughput stops rising and the JIT has stopped compiling: on 2 cores C2 spent
   * minutes of one core on this application, and a run measured while it still compiled gave a
   * quarter of the settled figure.
   */
  static Result load(String what, java.util.function.Supplier<CompletableFuture<?>> call) throws Exception {
    long warmUpStart = System.nanoTime();
    long warmUpEnd = warmUpStart + WARM_UP_MAX.toNanos();
    double best = 0;
    int flatRounds = 0;
    while (System.nanoTime() < warmUpEnd) {
      long compiledBefore = JIT.getTotalCompilationTime();
      ConcurrentLinkedQueue<Long> round = new ConcurrentLinkedQueue<>();
      run(call, WARM_UP_ROUND, round);
      double rate = round.size() / (double) WARM_UP_ROUND.toSeconds();
      flatRounds = rate < best * 1.05 ? flatRounds + 1 : 0;
      best = Math.max(best, rate);
      if (flatRounds >= 2 && jitSettled(compiledBefore, WARM_UP_ROUND.toMillis())) {
        break;
      }
    }
    long warmedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - warmUpStart);
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    long started = System.nanoTime();
    run(call, RUN, latencies);
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Long> sorted = latencies.stream().sorted().toList();
    return new Result(what + " (warm-up " + warmedSeconds + " s)", sorted.size() / seconds, millis(sorted, 50),
        millis(sorted, 99));
  }

  static void run(java.util.function.Supplier<CompletableFuture<?>> call, Duration duration,
      ConcurrentLinkedQueue<Long> latencies) throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    CountDownLatch workers = new CountDownLatch(CONCURRENCY);
    AtomicBoolean failed = new AtomicBoolean();
    for (int i = 0; i < CONCURRENCY; i++) {
      next(call, end, latencies, workers, failed);
    }
    if (!workers.await(duration.toSeconds() + 60, TimeUnit.SECONDS) || failed.get()) {
      throw new IllegalStateException("load run failed");
    }
  }

  private static void next(java.util.function.Supplier<CompletableFuture<?>> call, long end,
      ConcurrentLinkedQueue<Long> latencies, CountDownLatch workers, AtomicBoolean failed) {
    if (System.nanoTime() >= end || failed.get()) {
      workers.countDown();
      return;
    }
    long sent = System.nanoTime();
    call.get().whenComplete((result, error) -> {
      if (error != null) {
        failed.set(true);
        error.printStackTrace();
      } else {
        latencies.add(System.nanoTime() - sent);
      }
      next(call, end, latencies, workers, failed);
    });
  }

  static Server bareGrpc(String taskId, String projectId) throws Exception {
    Task task = Task.newBuilder().setId(taskId).setProjectId(projectId).setTitle("Benchmark me")
        .setStatus(TaskStatus.TODO).addLabels("perf").setVersion(1).build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new TaskServiceGrpc.TaskServiceImplBase() {
          @Override
          public void getTask(GetTaskRequest request, StreamObserver<Task> observer) {
            observer.onNext(task);
            observer.onCompleted();
          }
        })
        .build().start();
  }

  /** 1,000 subscribers on one project; each of 20 commands' event timed from commit to every receipt. */
  String fanOut(int port, String projectId, String token, int subscribers) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Map<Long, Long> committedAt = new java.util.concurrent.ConcurrentHashMap<>();
    var delays = new java.util.concurrent.atomic.AtomicReference<>(new ConcurrentLinkedQueue<Long>());
    AtomicLong received = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(subscribers);
    for (int i = 0; i < subscribers; i++) {
      sockets.add(client.newWebSocketBuilder().header("Authorization", "Bearer " + RuntimeTestSupport.viewer())
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/events"), new WebSocket.Listener() {
            final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
              long now = System.nanoTime();
              partial.append(data);
              if (last) {
                // a thousand sockets share this client's one selector thread: it reads no more of
                // a message than it needs, or its own queue, not the server, sets the latency
                String message = partial.toString();
                partial.setLength(0);
                int marker = message.indexOf(FAN_OUT_MARKER);
                if (marker >= 0) {
                  int from = marker + FAN_OUT_MARKER.length();
                  delays.get().add(now - committedAt.get(Long.parseLong(message.substring(from, message.indexOf('"', from)))));
                  received.incrementAndGet();
                } else if (message.contains("\"type\":\"subscribed\"")) {
                  subscribed.countDown();
                }
              }
              socket.request(1);
              return null;
            }
          }).get(10, TimeUnit.SECONDS));
    }
    for (WebSocket socket : sockets) {
      socket.sendText("{\"type\":\"subscribe\",\"projectId\":\"" + projectId + "\"}", true);
    }
    if (!subscribed.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("not all subscribers were confirmed");
    }
    // rounds of 20 commands until the JIT stops compiling (as every other load warms up), then
    // one round measured
    int commands = 20;
    long warmUpEnd = System.nanoTime() + WARM_UP_MAX.toNanos();
    long sent = 0;
    int warmUpRounds = 0;
    boolean measuring = false;
    while (true) {
      delays.set(new ConcurrentLinkedQueue<>());
      received.set(0);
      long compiledBefore = JIT.getTotalCompilationTime();
      long roundStart = System.nanoTime();
      for (int i = 0; i < commands; i++, sent++) {
        // timed from when the command is sent: an upper bound that includes the command itself
        committedAt.put(sent, System.nanoTime());
        post(port, "/api/v1/projects/" + projectId + "/tasks", "{\"title\":\"fan-" + sent + "\"}", token);
        TimeUnit.MILLISECONDS.sleep(150);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (received.get() < (long) commands * subscribers && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      if (measuring) {
        break;
      }
      long roundMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStart);
      measuring = jitSettled(compiledBefore, roundMillis) || System.nanoTime() > warmUpEnd;
      warmUpRounds++;
    }
    sockets.forEach(s -> s.abort());
    List<Long> sorted = delays.get().stream().map(d -> Math.max(0, d)).sorted().toList();
    return String.format("| WebSocket fan-out: %d commands x %d subscribers, %d deliveries (command sent to event"
        + " received; after %d warm-up rounds) | | %.1f ms | %.1f ms | |",
        commands, subscribers, sorted.size(), warmUpRounds, millis(sorted, 50), millis(sorted, 99));
  }

  Result createThroughput(String what, int port, String projectId, String token) throws Exception {
    var client = reactor.netty.http.client.HttpClient.create(ConnectionProvider.create("create", CONCURRENCY))
        .headers(h -> h.set("Authorization", "Bearer " + token).set("Content-Type", "application/json"));
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/projects/" + projectId + "/tasks");
    return load(what, () -> client.post().uri(uri)
        .send(reactor.netty.ByteBufFlux.fromString(reactor.core.publisher.Mono.just("{\"title\":\"throughput\"}")))
        .responseSingle((response, content) -> content.asByteArray().map(bytes -> {
          if (response.status().code() != 201) {
            throw new IllegalStateException(what + " answered " + response.status());
          }
          return bytes.length;
        })).toFuture());
  }

  static JsonNode post(int port, String path, String body, String token) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  static String row(Result result, Result baseline) {
    String ratio = baseline == null || baseline == result ? "" : String.format("%.0f%%",
        100 * result.perSecond() / baseline.perSecond());
    return String.format("| %s | %.0f | %.2f ms | %.2f ms | %s |", result.what(), result.perSecond(),
        result.p50Millis(), result.p99Millis(), ratio);
  }

  static double millis(List<Long> sortedNanos, int percentile) {
    if (sortedNanos.isEmpty()) {
      return -1;
    }
    int index = Math.min(sortedNanos.size() - 1, (int) Math.ceil(percentile / 100.0 * sortedNanos.size()) - 1);
    return sortedNanos.get(Math.max(0, index)) / 1e6;
  }

  static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
