package dev.tenantry.activator.wake;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the calls waiting for each tenant, so one tenant's flood cannot hold the activator's memory. */
public final class HeldCalls {
  private final int maxPerTenant;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public HeldCalls(int maxPerTenant) {
    this.maxPerTenant = maxPerTenant;
  }

  /** Takes a place for one more call of {@code tenant}; false when its places are all taken. */
  public boolean tryHold(String tenant) {
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

  /** Gives back a place taken by {@link #tryHold}. */
  public void release(String tenant) {
    held.computeIfPresent(tenant, (t, count) -> count <= 1 ? null : count - 1);
  }

  /** How many calls of {@code tenant} wait now. */
  public int heldFor(String tenant) {
    return held.getOrDefault(tenant, 0);
  }
}
