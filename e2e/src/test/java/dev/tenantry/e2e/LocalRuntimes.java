package dev.tenantry.e2e;

import static org.awaitility.Awaitility.await;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import dev.tenantry.testkit.RuntimePods;
import dev.tenantry.testkit.TenantryCrds;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Does a kubelet's part for tenant runtimes where the API server runs without nodes: starts
 * {@code tenant-runtime/target/tenant-runtime.jar} as a local process from the runtime
 * Deployment the operator wrote (its environment, its ConfigMap and Secret volumes as files, its
 * Secret-sourced variables), on free ports, and reports the Deployment ready once the runtime's
 * readiness endpoint says so. The operator reaches each runtime at {@link #grpc}. A runtime
 * {@link #follow followed} is started and stopped as its Deployment's replicas go between zero
 * and more, keeping its data directory as a volume claim would.
 */
public final class LocalRuntimes implements AutoCloseable {
  /** The one pod a followed runtime shows. */
  public static final String POD_NAME = "runtime-local";
  private final KubernetesClient client;
  private final Path root;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Map<String, Path> dataDirs = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<Deployment>> followed = new java.util.concurrent.CopyOnWriteArrayList<>();
  // one kubelet: starts and stops happen one at a time, in the order the Deployments changed
  private final ExecutorService kubelet = Executors.newSingleThreadExecutor();

  /** A runtime process and its ports. */
  public record Running(Process process, int httpPort, int grpcPort, int managementPort, Path dir, Path log) {}

  public LocalRuntimes(KubernetesClient client, Path root) {
    this.client = client;
    this.root = root;
  }

  /** Where the operator reaches a tenant's runtime over gRPC; empty while none runs. */
  public Optional<InetSocketAddress> grpc(Tenant tenant) {
    return Optional.ofNullable(running.get(tenant.getMetadata().getName()))
        .map(r -> InetSocketAddress.createUnresolved("127.0.0.1", r.grpcPort()));
  }

  public Running get(String tenant) {
    Running runtime = Objects.requireNonNull(running.get(tenant), "no runtime of " + tenant + " runs");
    if (!runtime.process().isAlive()) {
      throw new IllegalStateException("the runtime of " + tenant + " exited with " + runtime.process().exitValue()
          + ": " + logTail(runtime));
    }
    return runtime;
  }

  private static String logTail(Running runtime) {
    try {
      List<String> lines = Files.readAllLines(runtime.log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isRunning(String tenant) {
    return running.containsKey(tenant);
  }

  /**
   * Keeps the tenant's runtime in step with its Deployment from now on: started (on the data it
   * had) when the replicas go above zero, stopped and reported gone when they go to zero.
   */
  public void follow(String tenant) {
    SharedIndexInformer<Deployment> informer = client.apps().deployments().inNamespace(TenantryApi.namespaceOf(tenant))
        .withName(TenantryApi.RUNTIME_SERVICE).inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment deployment) {
            kubelet.execute(() -> sync(tenant, deployment));
          }

          @Override
          public void onUpdate(Deployment before, Deployment deployment) {
            kubelet.execute(() -> sync(tenant, deployment));
          }

          @Override
          public void onDelete(Deployment deployment, boolean unknownFinalState) {
            kubelet.execute(() -> sync(tenant, deployment));
          }
        });
    followed.add(informer);
  }

  private void sync(String tenant, Deployment deployment) {
    try {
      keepInStep(tenant, deployment);
    } catch (RuntimeException e) {
      // a kubelet logs and goes on: the next change of the Deployment tries again
      System.err.println("local kubelet: " + tenant + ": " + e);
      e.printStackTrace();
    }
  }

  private void keepInStep(String tenant, Deployment event) {
    // the Deployment as it is now: events queued behind a slow start or stop are stale
    Deployment deployment = client.apps().deployments().inNamespace(TenantryApi.namespaceOf(tenant))
        .withName(TenantryApi.RUNTIME_SERVICE).get();
    if (deployment == null) {
      stop(tenant);
      return;
    }
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    boolean reported = deployment.getStatus() != null && Objects.equals(deployment.getStatus().getObservedGeneration(),
        deployment.getMetadata().getGeneration());
    if (replicas > 0 && !isRunning(tenant)) {
      run(tenant, true, deployment);
    } else if (replicas == 0 && isRunning(tenant)) {
      client.pods().inNamespace(deployment.getMetadata().getNamespace()).withName(POD_NAME).delete();
      stop(tenant);
      report(deployment, 0);
    } else if (!reported) {
      report(deployment, isRunning(tenant) ? replicas : 0);
    }
  }

  /**
   * Writes the status of the Deployment as it was when acted on: {@code ready} pods of its
   * generation. A spec that moved on meanwhile stays unobserved, so no one reads it as rolled out.
   */
  private void report(Deployment actedOn, int ready) {
    client.apps().deployments().inNamespace(actedOn.getMetadata().getNamespace())
        .withName(actedOn.getMetadata().getName()).editStatus(d -> {
          d.setStatus(new DeploymentStatusBuilder().withReplicas(ready).withReadyReplicas(ready)
              .withAvailableReplicas(ready).withUpdatedReplicas(ready)
              .withObservedGeneration(actedOn.getMetadata().getGeneration()).build());
          return d;
        });
  }

  /**
   * The runtime's pod as a kubelet would show it: the Deployment's template, Ready, at 127.0.0.1,
   * its named ports the local ones (what the activator forwards held calls to).
   */
  private void publishPod(Deployment deployment, Running runtime) {
    var template = deployment.getSpec().getTemplate();
    Pod pod = new PodBuilder().withNewMetadata().withName(POD_NAME).withNamespace(deployment.getMetadata().getNamespace())
        .withLabels(template.getMetadata().getLabels()).endMetadata()
        .withSpec(template.getSpec()).build();
    // the runtime is a process on this host, reached at 127.0.0.1 as a host-network pod is: its address
    // says no more of who calls from it than the node's does
    pod.getSpec().setHostNetwork(true);
    for (ContainerPort port : pod.getSpec().getContainers().get(0).getPorts()) {
      if (TenantryApi.RUNTIME_HTTP_PORT_NAME.equals(port.getName())) {
        port.setContainerPort(runtime.httpPort());
      } else if (TenantryApi.RUNTIME_GRPC_PORT_NAME.equals(port.getName())) {
        port.setContainerPort(runtime.grpcPort());
      }
    }
    client.pods().resource(pod).delete();
    client.pods().resource(pod).waitUntilCondition(Objects::isNull, 30, TimeUnit.SECONDS);
    client.pods().resource(pod).create();
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(POD_NAME).editStatus(current -> {
      current.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
          .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return current;
    });
  }

  /** Waits for the tenant's runtime Deployment, starts the runtime it describes with fresh data, reports it ready. */
  public Running start(String tenant) {
    Deployment deployment = client.apps().deployments().inNamespace(TenantryApi.namespaceOf(tenant))
        .withName(TenantryApi.RUNTIME_SERVICE).waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    Running started = run(tenant, false, deployment);
    RuntimePods.reportReady(client, tenant);
    return started;
  }

  /**
   * Starts the runtime {@code deployment} describes; a {@code followed} one keeps the data it had
   * and reports its own Deployment ready, as the generation it was started for.
   */
  private Running run(String tenant, boolean followed, Deployment deployment) {
    String namespace = TenantryApi.namespaceOf(tenant);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    Path dir = followed && dataDirs.containsKey(tenant) ? dataDirs.get(tenant)
        : root.resolve(tenant + "-" + System.nanoTime());
    dataDirs.put(tenant, dir);
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
      // kept after the test, where the build's reports are: a failure's cause is often in it
      Path logs = TenantryCrds.checkout().resolve("e2e/target/runtime-logs");
      Files.createDirectories(logs);
      Path log = logs.resolve(tenant + "-" + System.currentTimeMillis() + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      for (EnvVar variable : container.getEnv()) {
        env.put(variable.getName(), value(namespace, variable, mounts));
      }
      env.remove("JAVA_TOOL_OPTIONS");
      env.put("SERVER_PORT", String.valueOf(http));
      env.put("TENANTRY_GRPC_PORT", String.valueOf(grpc));
      env.put("MANAGEMENT_SERVER_PORT", String.valueOf(management));
      Running started = new Running(builder.start(), http, grpc, management, dir, log);
      running.put(tenant, started);
      awaitReady(started);
      if (followed) {
        publishPod(deployment, started);
        report(deployment, deployment.getSpec().getReplicas());
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the tenant's runtime, as a deleted pod would be. */
  public void stop(String tenant) {
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
    followed.forEach(SharedIndexInformer::close);
    kubelet.shutdownNow();
    try {
      kubelet.awaitTermination(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
        throw new IllegalStateException("the runtime exited: " + Files.readString(runtime.log()));
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
