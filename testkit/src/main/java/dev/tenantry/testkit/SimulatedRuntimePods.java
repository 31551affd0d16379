package dev.tenantry.testkit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Where no kubelet runs pods (kube-api-test), plays the Deployment controller and the kubelet
 * for every tenant's runtime Deployment: each new spec gets the status its pods would give it,
 * every replica ready (after {@code startup}, the time a pod takes to start), unless its image
 * is one that {@code starts} refuses (the pods never become ready, as with an image that cannot
 * be pulled) or its namespace is held (pods still starting) until {@link #release}. Tests and
 * benchmarks that use it say so: it is not a node. Where a Deployment controller runs, leave it
 * out of the controller-manager ({@code TENANTRY_CONTROLLERS}): both would write the status.
 */
public final class SimulatedRuntimePods implements AutoCloseable {
  private static final String RUNTIME = "runtime";

  private final KubernetesClient client;
  private final Predicate<String> starts;
  private final Set<String> held = ConcurrentHashMap.newKeySet();
  private final Duration startup;
  private final ScheduledExecutorService starting = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "simulated-pod-start");
    thread.setDaemon(true);
    return thread;
  });
  private final SharedIndexInformer<Deployment> informer;

  private SimulatedRuntimePods(KubernetesClient client, Predicate<String> starts, Duration startup) {
    this.client = client;
    this.starts = starts;
    this.startup = startup;
    this.informer = client.apps().deployments().inAnyNamespace()
        .withLabel("app.kubernetes.io/managed-by", "tenantry-operator")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment deployment) {
            report(deployment);
          }

          @Override
          public void onUpdate(Deployment before, Deployment after) {
            report(after);
          }

          @Override
          public void onDelete(Deployment deployment, boolean unknown) {}
        });
  }

  /** Starts reporting; pods of images {@code starts} refuses never become ready. */
  public static SimulatedRuntimePods start(KubernetesClient client, Predicate<String> starts) {
    return new SimulatedRuntimePods(client, starts, Duration.ZERO);
  }

  /** As {@link #start(KubernetesClient, Predicate)}, pods Ready {@code startup} after their spec is seen. */
  public static SimulatedRuntimePods start(KubernetesClient client, Predicate<String> starts, Duration startup) {
    return new SimulatedRuntimePods(client, starts, startup);
  }

  /** The tenant's pods stay unready (starting) until {@link #release}. */
  public void hold(String tenant) {
    held.add("tenant-" + tenant);
  }

  /** The tenant's pods start: its current spec is reported ready (if its image starts). */
  public void release(String tenant) {
    String namespace = "tenant-" + tenant;
    held.remove(namespace);
    Deployment current = informer.getStore().getByKey(namespace + "/" + RUNTIME);
    if (current != null) {
      write(current, true);
    }
  }

  private void report(Deployment deployment) {
    if (!RUNTIME.equals(deployment.getMetadata().getName())) {
      return;
    }
    boolean observed = deployment.getStatus() != null
        && Objects.equals(deployment.getStatus().getObservedGeneration(), deployment.getMetadata().getGeneration());
    if (observed) {
      return;
    }
    if (startup.isZero()) {
      write(deployment, false, true);
      return;
    }
    // the new pods are starting: not ready until the start-up time has passed
    write(deployment, false, false);
    Long generation = deployment.getMetadata().getGeneration();
    starting.schedule(() -> {
      Deployment current = informer.getStore().getByKey(deployment.getMetadata().getNamespace() + "/" + RUNTIME);
      if (current != null && Objects.equals(current.getMetadata().getGeneration(), generation)) {
        write(current, true, true);
      }
    }, startup.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void write(Deployment deployment, boolean force) {
    write(deployment, force, true);
  }

  private synchronized void write(Deployment deployment, boolean force, boolean started) {
    String namespace = deployment.getMetadata().getNamespace();
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    String image = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    boolean ready = started && !held.contains(namespace) && starts.test(image);
    try {
      client.apps().deployments().inNamespace(namespace).withName(RUNTIME).editStatus(d -> {
        if (!force && d.getStatus() != null
            && Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())) {
          return d;
        }
        d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withUpdatedReplicas(replicas)
            .withReadyReplicas(ready ? replicas : 0).withAvailableReplicas(ready ? replicas : 0)
            .withObservedGeneration(d.getMetadata().getGeneration()).build());
        return d;
      });
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 409) {
        throw e;
      }
      // deleted meanwhile, or changed again: its next event reports the newer spec
    }
  }

  @Override
  public void close() {
    starting.shutdownNow();
    informer.close();
  }
}
