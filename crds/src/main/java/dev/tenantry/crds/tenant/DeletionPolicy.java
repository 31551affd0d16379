package dev.tenantry.crds.tenant;

/** What happens to a tenant's data when its Tenant is deleted. */
public enum DeletionPolicy {
  /** Drop the tenant's database and delete its namespace with its volumes. */
  Delete,
  /** Delete the namespace but keep the tenant's database. */
  Retain
}
