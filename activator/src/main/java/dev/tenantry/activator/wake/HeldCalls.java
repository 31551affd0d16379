package dev.tenantry.activator.wake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Holds calls until their tenant's runtime is Ready, within the bounds every protocol shares:
 * at most {@code maxPerTenant} calls wait per tenant (so one tenant's flood cannot hold the
 * activator's memory), each at most {@code holdTimeout}.
 */
public final class HeldCalls {
  private final Waker waker;
  private final Duration holdTimeout;
  private final int maxPerTenant;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public HeldCalls(Waker waker, Duration holdTimeout, int maxPerTenant) {
    this.waker = waker;
    this.holdTimeout = holdTimeout;
    this.maxPerTenant = maxPerTenant;
  }

  /**
   * The tenant's ready runtime, for one call; fails with a {@link WakeRefusal} when the tenant's
   * places are all taken (or its wake refuses), and with a {@link java.util.concurrent.TimeoutException}
   * after the hold timeout. The place is taken when the wait begins and given back however it ends.
   */
  public Mono<RuntimeAddress> awaitRuntime(String tenant) {
    return Mono.defer(() -> tryHold(tenant)
        ? waker.runtimeOf(tenant).timeout(holdTimeout).doFinally(signal -> release(tenant))
        : Mono.error(new WakeRefusal(WakeRefusal.Kind.TOO_MANY_HELD,
            maxPerTenant + " calls already wait for tenant '" + tenant + "' to wake")));
  }

  private boolean tryHold(String tenant) {
    boolean[] taken = {false};
    held.compute(tenant, (t, count) -> {
      int now = count == null ? 0 : count;
      if (now >= maxPerTenant) {
        return now;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  private void release(String tenant) {
    held.computeIfPresent(tenant, (t, count) -> count <= 1 ? null : count - 1);
  }
}
