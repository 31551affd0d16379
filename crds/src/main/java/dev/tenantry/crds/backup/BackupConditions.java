package dev.tenantry.crds.backup;

/** The condition types of backups, restores and backup schedules. */
public final class BackupConditions {
  /** A backup's or restore's: True once done, else False with the reason it waits or failed. */
  public static final String COMPLETE = "Complete";
  /** A schedule's: True while its tenants and spec let it run. */
  public static final String READY = "Ready";

  private BackupConditions() {}
}
