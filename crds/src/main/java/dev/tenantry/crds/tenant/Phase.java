package dev.tenantry.crds.tenant;

/** Where a tenant is in its life, as shown in the console and {@code kubectl get tenants}. */
public enum Phase {
  Pending,
  Provisioning,
  Ready,
  Suspended,
  /** Scaled to zero because it was idle or in a sleeping window; the next call wakes it. */
  Hibernated,
  Degraded,
  Deleting,
  Failed
}
