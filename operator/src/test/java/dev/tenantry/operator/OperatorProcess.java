package dev.tenantry.operator;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's main class in a JVM of its own, so a test can signal it (SIGTERM) or kill it
 * (SIGKILL) as Kubernetes would, with its probes on a port of its own.
 */
public final class OperatorProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private OperatorProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts one with {@code kubeconfig} and {@code environment} (the operator's variables) on top of test defaults. */
  public static OperatorProcess start(Path kubeconfig, Path log, Map<String, String> environment) throws IOException {
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow",
        "--enable-native-access=ALL-UNNAMED", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
        "-cp", System.getProperty("java.class.path"), TenantryOperator.class.getName())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("TENANTRY_LEADER_ELECTION", "false");
    env.put("TENANTRY_RECONCILE_THREADS", "2");
    env.put("TENANTRY_WEBHOOK_PORT", "0");
    env.putAll(environment);
    env.put("TENANTRY_OPERATOR_PORT", String.valueOf(port));
    return new OperatorProcess(builder.start(), port, log);
  }

  public int port() {
    return port;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Whether {@code /readyz} answers 200 (false while it starts, stops or is gone). */
  public boolean ready() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The Prometheus text it serves. */
  public String metrics() throws IOException, InterruptedException {
    return OperatorFixture.metrics(port);
  }

  /** Sends SIGTERM, as the kubelet does, and waits up to {@code patience} for the exit. */
  public Termination terminate(Duration patience) throws InterruptedException {
    long sent = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - sent);
    return new Termination(exited, exited ? process.exitValue() : -1, took);
  }

  /** SIGKILL: no hook runs, the lease stays until it expires. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** What the process printed, for a failure message. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** How a SIGTERM ended: whether the process exited within the patience given, its status, the time. */
  public record Termination(boolean exited, int status, Duration took) {}
}
