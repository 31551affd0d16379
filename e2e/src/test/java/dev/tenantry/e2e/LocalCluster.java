package dev.tenantry.e2e;

import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The local control plane of {@code scripts/cluster.sh} (etcd, kube-apiserver,
 * controller-manager, scheduler) in a state directory of its own, on free ports.
 */
public final class LocalCluster implements AutoCloseable {
  private static final java.util.Random RANDOM = new java.security.SecureRandom();
  private final Path state;
  private final Map<String, String> ports = new HashMap<>();

  private LocalCluster(Path state) {
    this.state = state;
  }

  /** Starts the control plane; {@code options} as for {@code cluster.sh start} (e.g. --node --empty). */
  public static LocalCluster start(Path state, String... options) {
    return start(state, Map.of(), options);
  }

  /** As {@link #start(Path, String...)}, with settings for every script run (e.g. TENANTRY_NODE_VOLUMES). */
  public static LocalCluster start(Path state, Map<String, String> environment, String... options) {
    LocalCluster cluster = new LocalCluster(state);
    cluster.ports.putAll(environment);
    try {
      cluster.ports.put("TENANTRY_APISERVER_PORT", String.valueOf(freePort()));
      cluster.ports.put("TENANTRY_ETCD_PORT", String.valueOf(freePortPair()));
      cluster.ports.put("TENANTRY_CONTROLLER_MANAGER_PORT", String.valueOf(freePort()));
      cluster.ports.put("TENANTRY_SCHEDULER_PORT", String.valueOf(freePort()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("start"));
    args.addAll(List.of(options));
    try {
      cluster.run(args.toArray(String[]::new));
    } catch (RuntimeException failed) {
      // a start that failed half-way leaves etcd or the API server running: stop what it started
      try {
        cluster.close();
      } catch (RuntimeException alsoFailed) {
        failed.addSuppressed(alsoFailed);
      }
      throw failed;
    }
    return cluster;
  }

  public Path state() {
    return state;
  }

  public Path kubeconfig() {
    return state.resolve("kubeconfig");
  }

  public KubernetesClient client(String impersonate) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig()));
      if (impersonate != null) {
        config.setImpersonateUsername(impersonate);
      }
      config.setMaxConcurrentRequests(256);
      config.setMaxConcurrentRequestsPerHost(128);
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code scripts/cluster.sh <args> --state <dir>}; fails with the script's output and the logs. */
  public void run(String... args) {
    script("cluster.sh", args);
  }

  /** Runs {@code scripts/<name> <args> --state <dir>} with this cluster's ports. */
  public void script(String name, String... args) {
    Path script = TenantryCrds.checkout().resolve("scripts").resolve(name);
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--state", state.toString()));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(ports);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(name + " " + String.join(" ", args) + " failed:\n" + output + "\n" + logs());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of every control-plane log, for failure messages. */
  public String logs() {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(state.resolve("logs"))) {
      for (Path log : files.toList()) {
        List<String> lines = Files.readAllLines(log);
        all.append("--- ").append(log.getFileName()).append('\n');
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(l -> all.append(l).append('\n'));
      }
    } catch (IOException e) {
      all.append("(no logs: ").append(e.getMessage()).append(')');
    }
    return all.toString();
  }

  @Override
  public void close() {
    run("stop", "--wipe");
  }

  /**
   * A free port below the kernel's ephemeral range (32768 and up): a port taken from that range
   * can be handed to an outgoing connection before the component that should listen on it starts.
   */
  public static int freePort() throws IOException {
    for (int attempt = 0; attempt < 200; attempt++) {
      int candidate = 20000 + RANDOM.nextInt(12000);
      try (ServerSocket socket = new ServerSocket(candidate)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 20000 and 32000");
  }

  /** A free port whose successor is free too (etcd's client and peer ports). */
  static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = freePort();
      try (ServerSocket next = new ServerSocket(port + 1)) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two adjacent free ports");
  }
}
