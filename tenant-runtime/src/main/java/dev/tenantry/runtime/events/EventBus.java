package dev.tenantry.runtime.events;

import dev.tenantry.runtime.store.EventStore;
import dev.tenantry.runtime.store.StoredEvent;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Delivers committed events to this replica's subscribers, in sequence order and without
 * gaps: whenever a commit is signalled (locally, or by PostgreSQL NOTIFY from another
 * replica) it reads the log from where it stopped. Each subscriber has a bounded buffer; one
 * that falls behind is ended with {@link SlowConsumerException} and never slows the others.
 */
@Component
public class EventBus implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
  private static final int PAGE = 500;

  private final EventStore store;
  private final Sinks.Many<Boolean> commits = Sinks.many().multicast().onBackpressureBuffer(1, false);
  private final Sinks.Many<StoredEvent> published = Sinks.many().multicast().directBestEffort();
  private final AtomicLong lastPublished = new AtomicLong();
  private final AtomicInteger subscribers = new AtomicInteger();
  private volatile Disposable pump;

  public EventBus(EventStore store) {
    this.store = store;
  }

  @Override
  public void start() {
    lastPublished.set(store.head().block(Duration.ofSeconds(30)));
    // onBackpressureLatest: many commit signals while catching up collapse into one more catch-up
    pump = commits.asFlux()
        .onBackpressureLatest()
        .concatMap(signal -> catchUp().onErrorResume(e -> {
          LOG.warn("reading the event log failed, will retry on the next commit: {}", e.getMessage());
          return Mono.empty();
        }), 1)
        .subscribe();
  }

  /** Signals that events were committed; safe to call from any thread. */
  public void committed() {
    commits.emitNext(Boolean.TRUE, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
  }

  private Mono<Void> catchUp() {
    return store.after(lastPublished.get(), null, PAGE)
        .doOnNext(event -> {
          lastPublished.set(event.sequence());
          published.emitNext(event, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        })
        .count()
        .flatMap(read -> read == PAGE ? catchUp() : Mono.empty());
  }

  /**
   * Every event after {@code since} (of {@code projectId}, or all when null), then live events,
   * each exactly once and in order.
   */
  public Flux<StoredEvent> stream(long since, UUID projectId, int bufferSize) {
    return Flux.defer(() -> {
      Sinks.Many<StoredEvent> buffer = Sinks.many().unicast().onBackpressureBuffer();
      // live events not yet taken by the subscriber; past bufferSize the subscriber is too slow
      AtomicInteger waiting = new AtomicInteger();
      AtomicBoolean overflowed = new AtomicBoolean();
      Sinks.One<Boolean> overflow = Sinks.one();
      // subscribe to live events before reading history, so nothing falls between the two
      Disposable live = published.asFlux()
          .filter(event -> projectId == null || projectId.equals(event.projectId()))
          .subscribe(event -> {
            if (waiting.incrementAndGet() > bufferSize) {
              overflowed.set(true);
              overflow.tryEmitValue(Boolean.TRUE);
            } else {
              buffer.tryEmitNext(event);
            }
          });
      AtomicLong last = new AtomicLong(since);
      subscribers.incrementAndGet();
      return Flux.concat(history(since, projectId), buffer.asFlux().doOnNext(event -> waiting.decrementAndGet()))
          .filter(event -> event.sequence() > last.get())
          .doOnNext(event -> last.set(event.sequence()))
          // end a stuck subscriber at once, without waiting for it to drain what is queued
          .takeUntilOther(overflow.asMono())
          .concatWith(Flux.defer(() -> overflowed.get()
              ? Flux.error(new SlowConsumerException(bufferSize)) : Flux.empty()))
          .doFinally(signal -> {
            live.dispose();
            subscribers.decrementAndGet();
          });
    });
  }

  private Flux<StoredEvent> history(long since, UUID projectId) {
    return store.after(since, projectId, PAGE).collectList().flatMapMany(page -> page.size() < PAGE
        ? Flux.fromIterable(page)
        : Flux.fromIterable(page).concatWith(history(page.get(page.size() - 1).sequence(), projectId)));
  }

  public int liveSubscribers() {
    return subscribers.get();
  }

  public long lastPublished() {
    return lastPublished.get();
  }

  @Override
  public void stop() {
    if (pump != null) {
      pump.dispose();
    }
  }

  /** Before the web and gRPC servers start, so no request finds the bus stopped. */
  @Override
  public int getPhase() {
    return 0;
  }

  @Override
  public boolean isRunning() {
    return pump != null && !pump.isDisposed();
  }

  /** A subscriber's buffer overflowed: it did not read fast enough. */
  public static final class SlowConsumerException extends RuntimeException {
    public SlowConsumerException(int bufferSize) {
      super("slow consumer: more than " + bufferSize + " events waiting; resume from the last sequence received");
    }
  }
}
