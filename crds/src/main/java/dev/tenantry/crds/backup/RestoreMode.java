package dev.tenantry.crds.backup;

/** What a restore does with its target tenant. */
public enum RestoreMode {
  /** The source tenant exists: its data is replaced by the backup's. */
  InPlace,
  /** The source tenant was deleted: it comes back under its own name. */
  Recreate,
  /** A new tenant under another name, with its own namespace, database and certificate. */
  Clone
}
