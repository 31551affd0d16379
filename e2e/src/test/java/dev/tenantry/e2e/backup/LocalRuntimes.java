package dev.tenantry.e2e.backup;

import static org.awaitility.Awaitility.await;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.RuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Does a kubelet's part for tenant runtimes where the API server runs without nodes: starts
 * {@code tenant-runtime/target/tenant-runtime.jar} as a local process from the runtime
 * Deployment the operator wrote (its environment, its ConfigMap and Secret volumes as files, its
 * Secret-sourced variables), on free ports, and reports the Deployment ready once the runtime's
 * readiness endpoint says so. The operator reaches each runtime at {@link #grpc}.
 */
final class LocalRuntimes implements AutoCloseable {
  private final KubernetesClient client;
  private final Path root;
  private final Map<String, Running> running = new ConcurrentHashMap<>();

  record Running(Process process, int httpPort, int grpcPort, int managementPort, Path dir) {}

  LocalRuntimes(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
  }

  /** Where the operator reaches a tenant's runtime over gRPC; empty while none runs. */
  Optional<InetSocketAddress> grpc(Tenant tenant) {
    return Optional.ofNullable(running.get(tenant.getMetadata().getName()))
        .map(r -> InetSocketAddress.createUnresolved("127.0.0.1", r.grpcPort()));
  }

  Running get(String tenant) {
    return Objects.requireNonNull(running.get(tenant), "no runtime of " + tenant + " runs");
  }

  /** Waits for the tenant's runtime Deployment, starts the runtime it describes with fresh data, reports it ready. */
  Running start(String tenant) {
    String namespace = TenantryApi.namespaceOf(tenant);
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(TenantryApi.RUNTIME_SERVICE)
        .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    Path dir = root.resolve(tenant + "-" + System.nanoTime());
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.createDirectories(dir.resolve("tmp"));
      Map<String, String> mounts = new java.util.HashMap<>();
      for (var mount : container.getVolumeMounts()) {
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        Path local = dir.resolve(mount.getName());
        Files.createDirectories(local);
        if (volume.getConfigMap() != null) {
          ConfigMap map = client.configMaps().inNamespace(namespace).withName(volume.getConfigMap().getName())
              .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
          for (var entry : map.getData().entrySet()) {
            Files.writeString(local.resolve(entry.getKey()), entry.getValue());
          }
        } else if (volume.getSecret() != null) {
          Secret secret = client.secrets().inNamespace(namespace).withName(volume.getSecret().getSecretName())
              .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
          for (var entry : secret.getData().entrySet()) {
            Files.write(local.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
          }
        }
        mounts.put(mount.getMountPath(), local.toString());
      }
      int http = freePort();
      int grpc = freePort();
      int management = freePort();
      List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx192m", "-XX:TieredStopAtLevel=1",
          "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar",
          TenantryCrds.checkout().resolve("tenant-runtime/target/tenant-runtime.jar").toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("runtime.log").toFile());
      Map<String, String> env = builder.environment();
      for (EnvVar variable : container.getEnv()) {
        env.put(variable.getName(), value(namespace, variable, mounts));
      }
      env.remove("JAVA_TOOL_OPTIONS");
      env.put("SERVER_PORT", String.valueOf(http));
      env.put("TENANTRY_GRPC_PORT", String.valueOf(grpc));
      env.put("MANAGEMENT_SERVER_PORT", String.valueOf(management));
      Running started = new Running(builder.start(), http, grpc, management, dir);
      running.put(tenant, started);
      awaitReady(started);
      RuntimePods.reportReady(client, tenant);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the tenant's runtime, as a deleted pod would be. */
  void stop(String tenant) {
    Running stopped = running.remove(tenant);
    if (stopped != null) {
      stopped.process().destroy();
      try {
        if (!stopped.process().waitFor(20, TimeUnit.SECONDS)) {
          stopped.process().destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    List.copyOf(running.keySet()).forEach(this::stop);
  }

  private String value(String namespace, EnvVar variable, Map<String, String> mounts) {
    if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
      var ref = variable.getValueFrom().getSecretKeyRef();
      Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName())
          .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
      return new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey())), StandardCharsets.UTF_8);
    }
    String value = variable.getValue();
    for (var mount : mounts.entrySet()) {
      if (value != null && value.startsWith(mount.getKey())) {
        return mount.getValue() + value.substring(mount.getKey().length());
      }
    }
    return value;
  }

  private static void awaitReady(Running runtime) {
    HttpClient http = HttpClient.newHttpClient();
    URI readiness = URI.create("http://127.0.0.1:" + runtime.managementPort() + "/actuator/health/readiness");
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
      if (!runtime.process().isAlive()) {
        throw new IllegalStateException("the runtime exited: " + Files.readString(runtime.dir().resolve("runtime.log")));
      }
      try {
        return http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
