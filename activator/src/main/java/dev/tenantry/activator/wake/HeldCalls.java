package dev.tenantry.activator.wake;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Holds calls until their tenant's runtime is Ready, within the bounds every protocol shares:
 * at most {@code maxPerTenant} calls wait per tenant (so one tenant's flood cannot hold the
 * activator's memory), at most {@code maxPerCaller} of them from one caller address (so one
 * caller cannot take a tenant's every place), each at most {@code holdTimeout}.
 */
public final class HeldCalls {
  private final Waker waker;
  private final Duration holdTimeout;
  private final int maxPerTenant;
  private final int maxPerCaller;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public HeldCalls(Waker waker, Duration holdTimeout, int maxPerTenant, int maxPerCaller) {
    this.waker = waker;
    this.holdTimeout = holdTimeout;
    this.maxPerTenant = maxPerTenant;
    this.maxPerCaller = maxPerCaller;
  }

  /**
   * The tenant's ready runtime, for one call of {@code caller}; fails with a {@link WakeRefusal}
   * when the tenant's (or that caller's) places are all taken, or its wake refuses, and with a
   * {@link java.util.concurrent.TimeoutException} after the hold timeout. The places are taken
   * when the wait begins and given back however it ends.
   */
  public Mono<RuntimeAddress> awaitRuntime(String tenant, String caller) {
    String callerKey = tenant + "\u0000" + caller;
    return Mono.defer(() -> {
      if (!tryHold(callerKey, maxPerCaller)) {
        return Mono.error(new WakeRefusal(WakeRefusal.Kind.TOO_MANY_HELD,
            maxPerCaller + " calls from " + caller + " already wait for tenant '" + tenant + "' to wake"));
      }
      if (!tryHold(tenant, maxPerTenant)) {
        release(callerKey);
        return Mono.error(new WakeRefusal(WakeRefusal.Kind.TOO_MANY_HELD,
            maxPerTenant + " calls already wait for tenant '" + tenant + "' to wake"));
      }
      return waker.runtimeOf(tenant).timeout(holdTimeout).doFinally(signal -> {
        release(tenant);
        release(callerKey);
      });
    });
  }

  private boolean tryHold(String key, int max) {
    boolean[] taken = {false};
    held.compute(key, (k, count) -> {
      int now = count == null ? 0 : count;
      if (now >= max) {
        return now;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }

  private void release(String key) {
    held.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }
}
