package dev.tenantry.crds;

/** Where a tenant runtime keeps its data. */
public enum StorageType {
  /** An H2 file on a PersistentVolumeClaim of the tenant namespace. */
  Embedded,
  /** A database and role of its own on the platform PostgreSQL. */
  Postgres
}
