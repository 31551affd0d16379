package dev.tenantry.runtime.usage;

import dev.tenantry.runtime.events.EventBus;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * When the tenant last used its runtime: any authenticated REST, GraphQL or gRPC call and any
 * WebSocket message, and right now while a client holds a live subscription. The platform's own
 * calls (usage, backups, probes, metrics) are not the tenant's and do not count. Starting counts,
 * so a runtime just started is not idle since the epoch. This is what hibernation measures idle
 * time from.
 */
@Component
public class ActivityClock {
  private final Clock clock;
  private final EventBus bus;
  private final AtomicLong lastMillis;

  public ActivityClock(EventBus bus) {
    this.clock = Clock.systemUTC();
    this.bus = bus;
    this.lastMillis = new AtomicLong(clock.millis());
  }

  /** Notes a call or message of the tenant's. */
  public void record() {
    lastMillis.accumulateAndGet(clock.millis(), Math::max);
  }

  public Instant lastActivity() {
    return bus.liveSubscribers() > 0 ? clock.instant() : Instant.ofEpochMilli(lastMillis.get());
  }
}
