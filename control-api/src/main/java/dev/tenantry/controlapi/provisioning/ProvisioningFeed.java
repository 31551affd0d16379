package dev.tenantry.controlapi.provisioning;

import dev.tenantry.controlapi.tenant.TenantView;
import dev.tenantry.crds.tenant.Tenant;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * Turns the Tenant informer's changes into provisioning messages: one per status change (and
 * one when a tenant goes), in the order the API server made them. Subscribers get a snapshot
 * first, from the same cache, so a message is never missed between the two.
 */
@Component
public class ProvisioningFeed {
  private final SharedIndexInformer<Tenant> tenants;
  private final Sinks.Many<Map<String, Object>> changes = Sinks.many().multicast().directBestEffort();

  public ProvisioningFeed(SharedIndexInformer<Tenant> tenants) {
    this.tenants = tenants;
    tenants.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Tenant tenant) {
        publish(message("status", tenant));
      }

      @Override
      public void onUpdate(Tenant before, Tenant after) {
        // spec-only edits (same status) are not provisioning progress
        if (!Objects.equals(before.getStatus(), after.getStatus())
            || before.getMetadata().getDeletionTimestamp() == null && after.getMetadata().getDeletionTimestamp() != null) {
          publish(message("status", after));
        }
      }

      @Override
      public void onDelete(Tenant tenant, boolean finalStateUnknown) {
        publish(message("deleted", tenant));
      }
    });
  }

  private synchronized void publish(Map<String, Object> message) {
    changes.emitNext(message, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
  }

  /** Live messages (of one tenant, or of all when {@code tenant} is null). */
  public Flux<Map<String, Object>> changes(String tenant) {
    return changes.asFlux().filter(m -> tenant == null || tenant.equals(m.get("tenant")));
  }

  /**
   * The current state, then every change, with nothing lost between the two: changes are
   * buffered (up to {@code buffer}) from before the snapshot is read. A subscriber that lets
   * more pile up is cut off from the changes at once ({@code onOverflow} runs, e.g. to close
   * its socket) and ends with {@link TooSlow} rather than slowing the feed.
   */
  public Flux<Map<String, Object>> follow(String tenant, int buffer, Runnable onOverflow) {
    return Flux.defer(() -> {
      Sinks.Many<Map<String, Object>> out = Sinks.many().unicast()
          .onBackpressureBuffer(Queues.<Map<String, Object>>get(buffer).get());
      Disposable.Swap live = Disposables.swap();
      live.update(changes(tenant).subscribe(message -> {
        synchronized (out) {
          if (out.tryEmitNext(message).isFailure()) {
            live.dispose();
            out.tryEmitError(new TooSlow(buffer));
            onOverflow.run();
          }
        }
      }));
      synchronized (out) {
        snapshot(tenant).forEach(out::tryEmitNext);
      }
      return out.asFlux().doFinally(signal -> live.dispose());
    });
  }

  /** A follower let more than its buffer of updates wait. */
  public static final class TooSlow extends IllegalStateException {
    TooSlow(int buffer) {
      super("subscriber too slow: more than " + buffer + " updates waiting");
    }
  }

  /** The current state as messages, from the informer cache. */
  public List<Map<String, Object>> snapshot(String tenant) {
    if (tenant != null) {
      Tenant one = tenants.getStore().getByKey(tenant);
      return one == null ? List.of() : List.of(message("status", one));
    }
    return tenants.getStore().list().stream()
        .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
        .map(t -> message("status", t)).toList();
  }

  public boolean exists(String tenant) {
    return tenants.getStore().getByKey(tenant) != null;
  }

  static Map<String, Object> message(String type, Tenant tenant) {
    TenantView view = TenantView.of(tenant);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", type);
    message.put("tenant", view.name());
    message.put("phase", "deleted".equals(type) ? "Deleted" : view.deleting() ? "Deleting" : view.phase());
    message.put("currentStep", view.provisioning().currentStep());
    message.put("completedSteps", view.provisioning().completedSteps());
    message.put("totalSteps", view.provisioning().totalSteps());
    message.put("conditions", view.conditions());
    message.put("message", view.conditions().stream().filter(c -> "Ready".equals(c.type())).findFirst()
        .map(TenantView.ConditionView::message).orElse("waiting for the operator"));
    message.put("resourceVersion", view.resourceVersion());
    message.put("at", Instant.now().toString());
    return message;
  }
}
