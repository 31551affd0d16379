package dev.tenantry.crds.backup;

/** Where a backup or a restore is; Completed and Failed are final. */
public enum BackupPhase {
  Pending,
  Running,
  Completed,
  Failed;

  public boolean finished() {
    return this == Completed || this == Failed;
  }
}
