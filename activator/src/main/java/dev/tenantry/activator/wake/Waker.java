package dev.tenantry.activator.wake;

import dev.tenantry.crds.TenantryApi;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Wakes a tenant for the calls that wait for it: one wake request on the Tenant however many calls
 * wait (the operator scales the runtime back), then the address of the first runtime pod that is
 * Ready. A tenant whose runtime is already Ready is not asked to wake at all.
 */
public final class Waker {
  private static final Logger LOG = LoggerFactory.getLogger(Waker.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration giveUpAfter;
  private final Map<String, Mono<RuntimeAddress>> waking = new ConcurrentHashMap<>();
  private final AtomicLong wakeRequests = new AtomicLong();

  /**
   * @param giveUpAfter how long a wake keeps watching for a Ready pod when no call waits any more;
   *     the next call starts a new one
   */
  public Waker(KubernetesClient client, Clock clock, Duration giveUpAfter) {
    this.client = client;
    this.clock = clock;
    this.giveUpAfter = giveUpAfter;
  }

  /** The tenant's ready runtime; every caller in the same wake shares one wake request and one watch. */
  public Mono<RuntimeAddress> runtimeOf(String tenant) {
    return waking.computeIfAbsent(tenant, this::startWaking);
  }

  /** How many wake requests this activator has written since it started. */
  public long wakeRequests() {
    return wakeRequests.get();
  }

  private Mono<RuntimeAddress> startWaking(String tenant) {
    AtomicReference<Mono<RuntimeAddress>> self = new AtomicReference<>();
    // cache(): callers who give up do not cancel the wake the others still wait for
    Mono<RuntimeAddress> wake = Mono.defer(() -> wake(tenant))
        .timeout(giveUpAfter)
        .doFinally(signal -> waking.remove(tenant, self.get()))
        .cache();
    self.set(wake);
    return wake;
  }

  /**
   * Watches the Tenant and its runtime pods together: a Ready pod ends the wake; a suspended or
   * deleted Tenant refuses every call waiting in it, however late that happens.
   */
  private Mono<RuntimeAddress> wake(String tenant) {
    return Mono.create(sink -> {
      SharedIndexInformer<Tenant> tenants = client.resources(Tenant.class).withName(tenant).runnableInformer(0);
      SharedIndexInformer<Pod> pods = client.pods().inNamespace(TenantryApi.namespaceOf(tenant))
          .withLabels(TenantryApi.runtimeSelector(tenant)).runnableInformer(0);
      tenants.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Tenant current) {
          refusal(current).ifPresent(sink::error);
        }

        @Override
        public void onUpdate(Tenant before, Tenant current) {
          refusal(current).ifPresent(sink::error);
        }

        @Override
        public void onDelete(Tenant gone, boolean unknownFinalState) {
          sink.error(unknown(tenant));
        }
      });
      pods.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Pod pod) {
          address(pod).ifPresent(sink::success);
        }

        @Override
        public void onUpdate(Pod before, Pod pod) {
          address(pod).ifPresent(sink::success);
        }

        @Override
        public void onDelete(Pod pod, boolean unknownFinalState) {
          // another pod, or the one the operator is starting, is what the calls wait for
        }
      });
      sink.onDispose(() -> {
        pods.close();
        tenants.close();
      });
      CompletableFuture.allOf(tenants.start().toCompletableFuture(), pods.start().toCompletableFuture())
          .whenComplete((listed, error) -> {
            if (error != null) {
              sink.error(error);
              return;
            }
            Optional<Tenant> current = tenants.getStore().list().stream().findFirst();
            Optional<WakeRefusal> refused = current.isEmpty() ? Optional.of(unknown(tenant)) : refusal(current.get());
            if (refused.isPresent()) {
              sink.error(refused.get());
            } else if (pods.getStore().list().stream().map(Waker::address).flatMap(Optional::stream).findAny().isEmpty()) {
              Schedulers.boundedElastic().schedule(() -> {
                try {
                  requestWake(tenant);
                } catch (RuntimeException e) {
                  sink.error(e);
                }
              });
            }
          });
    });
  }

  private static WakeRefusal unknown(String tenant) {
    return new WakeRefusal(WakeRefusal.Kind.UNKNOWN_TENANT, "there is no tenant '" + tenant + "'");
  }

  /** Why calls to this tenant are not held: an admin suspended it (only a resume starts it again). */
  private static Optional<WakeRefusal> refusal(Tenant tenant) {
    if (tenant.getSpec() != null && Boolean.TRUE.equals(tenant.getSpec().getSuspended())) {
      return Optional.of(new WakeRefusal(WakeRefusal.Kind.SUSPENDED, "tenant '" + tenant.getMetadata().getName()
          + "' is suspended by an administrator: its calls are refused until it is resumed"));
    }
    return Optional.empty();
  }

  /** One write: the operator wakes a tenant whose wake request is newer than its sleep. */
  private void requestWake(String tenant) {
    Map<String, Object> patch = Map.of("metadata", Map.of("annotations", Map.of(
        TenantryApi.WAKE_REQUESTED_AT_ANNOTATION, clock.instant().toString(),
        TenantryApi.WAKE_TRIGGER_ANNOTATION, TenantryApi.WAKE_BY_REQUEST)));
    client.resources(Tenant.class).withName(tenant)
        .patch(PatchContext.of(PatchType.JSON_MERGE), client.getKubernetesSerialization().asJson(patch));
    wakeRequests.incrementAndGet();
    LOG.info("asked tenant {} to wake for the calls waiting for it", tenant);
  }

  /** The pod's address once it is Ready and not going away. */
  static Optional<RuntimeAddress> address(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null
        || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isBlank()
        || pod.getStatus().getConditions() == null
        || pod.getStatus().getConditions().stream().noneMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
      return Optional.empty();
    }
    return Optional.of(new RuntimeAddress(pod.getStatus().getPodIP(),
        port(pod, TenantryApi.RUNTIME_HTTP_PORT_NAME).orElse(TenantryApi.RUNTIME_HTTP_PORT),
        port(pod, TenantryApi.RUNTIME_GRPC_PORT_NAME).orElse(TenantryApi.RUNTIME_GRPC_PORT)));
  }

  private static Optional<Integer> port(Pod pod, String name) {
    return pod.getSpec().getContainers().stream()
        .flatMap(container -> container.getPorts() == null ? Stream.empty() : container.getPorts().stream())
        .filter(port -> Objects.equals(name, port.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst();
  }
}
