package dev.tenantry.controlapi.provisioning;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * Turns an informer's changes into live messages: one per status change (and one when the
 * object goes), in the order the API server made them. Subscribers get a snapshot first, from
 * the same cache, so a message is never missed between the two. Each message names its object
 * under {@link #key()} ({@code tenant}, {@code rollout}).
 */
public abstract class ResourceFeed<T extends HasMetadata> {
  private final SharedIndexInformer<T> informer;
  private final String key;
  private final Sinks.Many<Map<String, Object>> changes = Sinks.many().multicast().directBestEffort();

  protected ResourceFeed(SharedIndexInformer<T> informer, String key) {
    this.informer = informer;
    this.key = key;
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        publish(message(object, false));
      }

      @Override
      public void onUpdate(T before, T after) {
        // spec-only edits (same status) are not progress
        if (!Objects.equals(status(before), status(after))
            || before.getMetadata().getDeletionTimestamp() == null && after.getMetadata().getDeletionTimestamp() != null) {
          publish(message(after, false));
        }
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        publish(message(object, true));
      }
    });
  }

  /** The object's status, to tell progress from spec-only edits. */
  protected abstract Object status(T object);

  /** The message for the object as it is now, or as it was when it was deleted. */
  protected abstract Map<String, Object> message(T object, boolean deleted);

  /** Whether the message says its object was deleted (a follower of one object ends there). */
  public abstract boolean isDeletion(Map<String, Object> message);

  /** The field naming the object in each message. */
  public String key() {
    return key;
  }

  private synchronized void publish(Map<String, Object> message) {
    changes.emitNext(message, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
  }

  /** Live messages (of one object, or of all when {@code name} is null). */
  public Flux<Map<String, Object>> changes(String name) {
    return changes.asFlux().filter(m -> name == null || name.equals(m.get(key)));
  }

  /**
   * The current state, then every change, with nothing lost between the two: changes are
   * buffered (up to {@code buffer}) from before the snapshot is read. The snapshot is sent as the
   * subscriber reads it and does not count against the buffer (a fleet is larger than any
   * buffer; counting it cut every snapshot of more than 1,024 tenants short). A subscriber that
   * lets more than {@code buffer} changes pile up is cut off from them at once ({@code
   * onOverflow} runs, e.g. to close its socket) and ends with {@link TooSlow} rather than
   * slowing the feed.
   */
  public Flux<Map<String, Object>> follow(String name, int buffer, Runnable onOverflow) {
    return Flux.defer(() -> {
      Sinks.Many<Map<String, Object>> live = Sinks.many().unicast()
          .onBackpressureBuffer(Queues.<Map<String, Object>>get(buffer).get());
      Disposable.Swap subscription = Disposables.swap();
      subscription.update(changes(name).subscribe(message -> {
        synchronized (live) {
          if (live.tryEmitNext(message).isFailure()) {
            subscription.dispose();
            live.tryEmitError(new TooSlow(buffer));
            onOverflow.run();
          }
        }
      }));
      return Flux.fromIterable(snapshot(name)).concatWith(live.asFlux())
          .doFinally(signal -> subscription.dispose());
    });
  }

  /** A follower let more than its buffer of updates wait. */
  public static final class TooSlow extends IllegalStateException {
    TooSlow(int buffer) {
      super("subscriber too slow: more than " + buffer + " updates waiting");
    }
  }

  /** The current state as messages, from the informer cache, in name order. */
  public List<Map<String, Object>> snapshot(String name) {
    if (name != null) {
      T one = informer.getStore().getByKey(name);
      return one == null ? List.of() : List.of(message(one, false));
    }
    return informer.getStore().list().stream()
        .sorted(Comparator.comparing(o -> o.getMetadata().getName()))
        .map(o -> message(o, false)).toList();
  }

  public boolean exists(String name) {
    return informer.getStore().getByKey(name) != null;
  }
}
