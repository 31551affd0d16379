import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application under AOT training (scripts/image-layout.sh): started with the image's command
 * line, its output echoed and kept for {@link #awaitLog}, stopped with SIGTERM so that its JVM
 * exits normally and writes the cache. Each application's trainer sits beside this file.
 */
final class TrainedProcess implements AutoCloseable {
  static final Duration START_BUDGET = Duration.ofMinutes(3);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private TrainedProcess(Process process) {
    this.process = process;
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          System.out.println("| " + line);
          lines.add(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  static TrainedProcess start(List<String> command, Map<String, String> environment) throws IOException {
    System.out.println("training: " + String.join(" ", command));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new TrainedProcess(builder.start());
  }

  /** A directory for the training's own files, which scripts/image-layout.sh removes when it ends. */
  static java.nio.file.Path scratch(String name) throws IOException {
    return java.nio.file.Files.createDirectories(java.nio.file.Path.of(System.getenv("TENANTRY_TRAINING_SCRATCH"), name));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * A control plane of its own for the training (scripts/cluster.sh: etcd, kube-apiserver and the
   * controllers, with the CRDs and example plans, and the platform namespace), on free ports in a temporary state directory,
   * stopped and wiped on close.
   */
  record ControlPlane(java.nio.file.Path state, String kubeconfig) implements AutoCloseable {
    static ControlPlane start() throws Exception {
      java.nio.file.Path state = java.nio.file.Files.createTempDirectory("training-cluster");
      int apiServer = freePort();
      int etcd = freePort();
      run("start", state, Map.of("TENANTRY_APISERVER_PORT", String.valueOf(apiServer),
          "TENANTRY_ETCD_PORT", String.valueOf(etcd)));
      ControlPlane cluster = new ControlPlane(state, state.resolve("kubeconfig").toString());
      cluster.apply("""
          apiVersion: v1
          kind: Namespace
          metadata: {name: tenantry-system}
          """);
      return cluster;
    }

    /** Applies a manifest as the cluster's admin. */
    void apply(String yaml) throws Exception {
      Process kubectl = new ProcessBuilder(kubeBinary("kubectl"), "--kubeconfig", kubeconfig, "apply", "-f", "-")
          .inheritIO().redirectInput(ProcessBuilder.Redirect.PIPE).start();
      try (var in = kubectl.getOutputStream()) {
        in.write(yaml.getBytes(StandardCharsets.UTF_8));
      }
      if (kubectl.waitFor() != 0) {
        throw new IllegalStateException("kubectl apply failed");
      }
    }

    /** Waits until {@code kubectl get ARGS} finds what it names. */
    void awaitObject(String... args) throws Exception {
      Instant deadline = Instant.now().plus(START_BUDGET);
      List<String> command = new java.util.ArrayList<>(List.of(kubeBinary("kubectl"), "--kubeconfig", kubeconfig, "get"));
      command.addAll(List.of(args));
      while (new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor() != 0) {
        pause(deadline, String.join(" ", args));
      }
    }

    @Override
    public void close() throws Exception {
      run("stop", state, Map.of());
      try (var files = java.nio.file.Files.walk(state)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(java.nio.file.Path::toFile).forEach(java.io.File::delete);
      }
    }

    private static void run(String command, java.nio.file.Path state, Map<String, String> environment)
        throws Exception {
      ProcessBuilder script = new ProcessBuilder(java.nio.file.Path.of(System.getenv("TENANTRY_CHECKOUT"),
          "scripts", "cluster.sh").toString(), command, "--state", state.toString()).inheritIO();
      script.environment().putAll(environment);
      if ("stop".equals(command)) {
        script.command().add("--wipe");
      }
      if (script.start().waitFor() != 0) {
        throw new IllegalStateException("scripts/cluster.sh " + command + " failed");
      }
    }

    private static String kubeBinary(String name) {
      String cache = System.getenv().getOrDefault("TENANTRY_KUBE_CACHE",
          System.getProperty("user.home") + "/.cache/tenantry/kube/1.20.2");
      return cache + "/bin/" + name;
    }
  }

  /** Waits until {@code url} answers 200; fails if the application exits or the budget is spent. */
  void awaitOk(String url) throws Exception {
    Instant deadline = Instant.now().plus(START_BUDGET);
    while (true) {
      alive();
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      pause(deadline, url);
    }
  }

  /** Waits for a line of the application's output matching {@code pattern}; returns its first group. */
  String awaitLog(Pattern pattern) throws Exception {
    Instant deadline = Instant.now().plus(START_BUDGET);
    while (true) {
      for (String line : lines) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher.groupCount() > 0 ? matcher.group(1) : line;
        }
      }
      alive();
      pause(deadline, pattern.pattern());
    }
  }

  private void alive() {
    if (!process.isAlive()) {
      throw new IllegalStateException("the application exited with " + process.exitValue() + " during training");
    }
  }

  private static void pause(Instant deadline, String what) throws InterruptedException {
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException("waited " + START_BUDGET + " for " + what);
    }
    Thread.sleep(200);
  }

  /** SIGTERM, as the kubelet stops a pod; the JVM writes the AOT cache while it exits. */
  @Override
  public void close() throws Exception {
    process.toHandle().destroy(); // a signal only: Process.destroy() would also close the output being read
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("the application did not exit within 2 minutes of SIGTERM");
    }
    System.out.println("training: the application exited with " + process.exitValue());
  }
}
