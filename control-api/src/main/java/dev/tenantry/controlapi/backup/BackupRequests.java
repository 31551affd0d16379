package dev.tenantry.controlapi.backup;

import java.util.List;

/** What callers send to create backups, restores and schedules (REST bodies, GraphQL inputs). */
public final class BackupRequests {
  private BackupRequests() {}

  /** Back up {@code tenant} now; {@code name} defaults to {@code <tenant>-<UTC time>}. */
  public record CreateBackup(String tenant, String name, String ttl) {}

  /** Restore {@code backup} into {@code targetTenant} (the backup's own tenant when unset: a recreate or in place). */
  public record CreateRestore(String backup, String targetTenant, String name) {}

  /** Back up {@code tenant}, or every tenant on {@code plans}, on {@code schedule}. */
  public record CreateSchedule(String name, String tenant, List<String> plans, String schedule, String timeZone,
      Integer keep) {}
}
